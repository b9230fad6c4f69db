import { z } from "zod";
import { mailboxAddress } from "./email-address";

/** The email providers, and the breached-password range API, each with its own faults. */
export const EMAIL_FAULT_TARGETS = ["resend", "postmark", "ses", "range"] as const;
export type EmailFaultTarget = (typeof EMAIL_FAULT_TARGETS)[number];

export const EMAIL_FAULT_MODES = ["none", "error_5xx", "timeout", "reject_address"] as const;
export type EmailFaultMode = (typeof EMAIL_FAULT_MODES)[number];

export const emailFaultSchema = z.strictObject({
  mode: z.enum(EMAIL_FAULT_MODES),
  /** Only these recipients are affected (compared case-insensitively); every recipient when omitted. */
  addresses: z
    .array(z.string().refine((value) => mailboxAddress(value) === value, "addresses must be plain email addresses"))
    .min(1)
    .max(1_000)
    .optional(),
});
export type EmailFault = z.infer<typeof emailFaultSchema>;

export function isEmailFaultTarget(value: string): value is EmailFaultTarget {
  return (EMAIL_FAULT_TARGETS as readonly string[]).includes(value);
}

/** The range API has no recipient to refuse. */
export function emailFaultSupported(target: EmailFaultTarget, fault: EmailFault): boolean {
  return target !== "range" || (fault.mode !== "reject_address" && fault.addresses === undefined);
}

export interface EmailFaultView {
  readonly mode: EmailFaultMode;
  readonly addresses?: Readonly<Record<string, EmailFaultMode>>;
}

export interface EmailFaultBoard {
  /** Throws when `fault` is malformed or not one `target` can play. Per-address faults leave other addresses' alone. */
  set(target: EmailFaultTarget, fault: EmailFault): void;
  reset(): void;
  /** The fault for a request to any of `recipients` (the first one with a fault of its own wins), or the target-wide one. */
  modeFor(target: EmailFaultTarget, recipients: readonly string[]): EmailFaultMode;
  current(): Record<EmailFaultTarget, EmailFaultView>;
}

export function createEmailFaultBoard(): EmailFaultBoard {
  const faults = new Map<EmailFaultTarget, { all: EmailFaultMode; readonly byAddress: Map<string, EmailFaultMode> }>();
  const of = (target: EmailFaultTarget) => {
    let entry = faults.get(target);
    if (!entry) faults.set(target, (entry = { all: "none", byAddress: new Map() }));
    return entry;
  };
  return {
    set(target, fault) {
      const parsed = emailFaultSchema.parse(fault);
      if (!emailFaultSupported(target, parsed)) throw new Error("the range API plays error_5xx and timeout, for every request");
      const entry = of(target);
      if (parsed.addresses === undefined) {
        entry.all = parsed.mode;
        if (parsed.mode === "none") entry.byAddress.clear();
        return;
      }
      for (const address of parsed.addresses.map((value) => value.toLowerCase())) {
        if (parsed.mode === "none") entry.byAddress.delete(address);
        else entry.byAddress.set(address, parsed.mode);
      }
    },
    reset() {
      faults.clear();
    },
    modeFor(target, recipients) {
      const entry = faults.get(target);
      if (!entry) return "none";
      for (const recipient of recipients) {
        const mode = entry.byAddress.get(recipient.toLowerCase());
        if (mode !== undefined) return mode;
      }
      return entry.all;
    },
    current() {
      const view = (target: EmailFaultTarget): EmailFaultView => {
        const entry = faults.get(target);
        if (!entry) return { mode: "none" };
        return entry.byAddress.size === 0 ? { mode: entry.all } : { mode: entry.all, addresses: Object.fromEntries(entry.byAddress) };
      };
      return { resend: view("resend"), postmark: view("postmark"), ses: view("ses"), range: view("range") };
    },
  };
}

import { z } from "zod";
import { E164_SHAPE } from "./phone-number";

export const PROVIDERS = ["twilio", "sns", "lookup"] as const;
export type Provider = (typeof PROVIDERS)[number];

export const FAULT_MODES = ["none", "error_5xx", "timeout", "reject_number", "undelivered"] as const;
export type FaultMode = (typeof FAULT_MODES)[number];

/** Modes that only make sense for one provider: only Twilio sends status callbacks here. */
const PROVIDER_ONLY_MODES: Partial<Record<FaultMode, Provider>> = { undelivered: "twilio" };

/** Whether `provider` can play `mode`. */
export function supportsFault(provider: Provider, mode: FaultMode): boolean {
  const only = PROVIDER_ONLY_MODES[mode];
  return only === undefined || only === provider;
}

export const faultSchema = z.strictObject({
  mode: z.enum(FAULT_MODES),
  /** Only these recipients are affected; every recipient when omitted. */
  numbers: z.array(z.string().regex(E164_SHAPE, "numbers must be E.164, e.g. +14155550123")).min(1).max(1_000).optional(),
});
export type Fault = z.infer<typeof faultSchema>;

export function isProvider(value: string): value is Provider {
  return (PROVIDERS as readonly string[]).includes(value);
}

export interface FaultBoard {
  /** Throws when `fault` is malformed or not one `provider` can play. */
  set(provider: Provider, fault: Fault): void;
  reset(): void;
  /** The fault to play for a request to `recipient`, "none" when no fault applies. */
  modeFor(provider: Provider, recipient: string): FaultMode;
  current(): Record<Provider, Fault>;
}

export function createFaultBoard(): FaultBoard {
  const faults = new Map<Provider, Fault>();
  return {
    set(provider, fault) {
      const parsed = faultSchema.parse(fault);
      if (!supportsFault(provider, parsed.mode)) throw new Error(`the ${parsed.mode} fault is for ${PROVIDER_ONLY_MODES[parsed.mode] ?? "another provider"} only`);
      faults.set(provider, parsed);
    },
    reset() {
      faults.clear();
    },
    modeFor(provider, recipient) {
      const fault = faults.get(provider);
      if (!fault) return "none";
      return fault.numbers === undefined || fault.numbers.includes(recipient) ? fault.mode : "none";
    },
    current() {
      const none: Fault = { mode: "none" };
      return { twilio: faults.get("twilio") ?? none, sns: faults.get("sns") ?? none, lookup: faults.get("lookup") ?? none };
    },
  };
}

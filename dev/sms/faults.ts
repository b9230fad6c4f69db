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

/** What `GET /__sandbox/faults` shows per provider: the fault for every recipient, and any per-number ones. */
export interface FaultView {
  readonly mode: FaultMode;
  readonly numbers?: Readonly<Record<string, FaultMode>>;
}

export interface FaultBoard {
  /**
   * Throws when `fault` is malformed or not one `provider` can play. With
   * `numbers`, sets the fault for those recipients only and leaves other
   * recipients' faults alone, so tests running side by side do not undo each
   * other; without, sets the provider-wide fault (`none` clears every fault of
   * that provider).
   */
  set(provider: Provider, fault: Fault): void;
  reset(): void;
  /** The fault to play for a request to `recipient`, "none" when no fault applies. */
  modeFor(provider: Provider, recipient: string): FaultMode;
  current(): Record<Provider, FaultView>;
}

interface ProviderFaults {
  all: FaultMode;
  readonly byNumber: Map<string, FaultMode>;
}

/**
 * The fault a call with no recipient (an account check) meets: only one set for every
 * recipient applies, and only the modes that make sense without a message.
 */
export function accountWideFault(faults: FaultBoard, provider: Provider): "error_5xx" | "timeout" | null {
  const mode = faults.modeFor(provider, "");
  return mode === "error_5xx" || mode === "timeout" ? mode : null;
}

export function createFaultBoard(): FaultBoard {
  const faults = new Map<Provider, ProviderFaults>();
  const of = (provider: Provider): ProviderFaults => {
    let entry = faults.get(provider);
    if (!entry) faults.set(provider, (entry = { all: "none", byNumber: new Map() }));
    return entry;
  };
  return {
    set(provider, fault) {
      const parsed = faultSchema.parse(fault);
      if (!supportsFault(provider, parsed.mode)) throw new Error(`the ${parsed.mode} fault is for ${PROVIDER_ONLY_MODES[parsed.mode] ?? "another provider"} only`);
      const entry = of(provider);
      if (parsed.numbers === undefined) {
        entry.all = parsed.mode;
        if (parsed.mode === "none") entry.byNumber.clear();
        return;
      }
      for (const number of parsed.numbers) {
        if (parsed.mode === "none") entry.byNumber.delete(number);
        else entry.byNumber.set(number, parsed.mode);
      }
    },
    reset() {
      faults.clear();
    },
    modeFor(provider, recipient) {
      const entry = faults.get(provider);
      if (!entry) return "none";
      return entry.byNumber.get(recipient) ?? entry.all;
    },
    current() {
      const view = (provider: Provider): FaultView => {
        const entry = faults.get(provider);
        if (!entry) return { mode: "none" };
        return entry.byNumber.size === 0 ? { mode: entry.all } : { mode: entry.all, numbers: Object.fromEntries(entry.byNumber) };
      };
      return { twilio: view("twilio"), sns: view("sns"), lookup: view("lookup") };
    },
  };
}

import { z } from "zod";

export const WEBHOOK_FAULT_MODES = ["none", "error_5xx", "timeout", "gone"] as const;
export type WebhookFaultMode = (typeof WEBHOOK_FAULT_MODES)[number];

export const webhookFaultSchema = z.strictObject({
  mode: z.enum(WEBHOOK_FAULT_MODES),
  /** Play the fault for this many deliveries, then accept again; for every delivery when omitted. */
  count: z.number().int().min(1).max(1_000).optional(),
});
export type WebhookFault = z.infer<typeof webhookFaultSchema>;

/** Per endpoint: the fault to play next, and how many POSTs arrived (answered or not). */
export interface WebhookFaultBoard {
  set(endpoint: string, fault: WebhookFault): void;
  reset(): void;
  /** The mode for the delivery arriving now; counts the POST and uses up one of a fault's `count`. */
  take(endpoint: string): WebhookFaultMode;
  current(): Record<string, { readonly mode: WebhookFaultMode; readonly remaining: number | null; readonly requests: number }>;
}

export function createWebhookFaultBoard(): WebhookFaultBoard {
  const faults = new Map<string, { mode: WebhookFaultMode; remaining: number | null }>();
  const requests = new Map<string, number>();
  return {
    set(endpoint, fault) {
      if (fault.mode === "none") faults.delete(endpoint);
      else faults.set(endpoint, { mode: fault.mode, remaining: fault.count ?? null });
    },
    reset() {
      faults.clear();
      requests.clear();
    },
    take(endpoint) {
      requests.set(endpoint, (requests.get(endpoint) ?? 0) + 1);
      const fault = faults.get(endpoint);
      if (!fault) return "none";
      if (fault.remaining !== null) {
        fault.remaining -= 1;
        if (fault.remaining <= 0) faults.delete(endpoint);
      }
      return fault.mode;
    },
    current() {
      const names = new Set([...faults.keys(), ...requests.keys()]);
      return Object.fromEntries(
        [...names].map((name) => {
          const fault = faults.get(name);
          return [name, { mode: fault?.mode ?? "none", remaining: fault?.remaining ?? null, requests: requests.get(name) ?? 0 }];
        }),
      );
    },
  };
}

import type { Provider } from "./faults";

/** How many requests reached each provider's handler since the sandbox started, accepted or not. */
export interface RequestCounter {
  record(provider: Provider): void;
  snapshot(): Record<Provider, number>;
}

export function createRequestCounter(): RequestCounter {
  const counts: Record<Provider, number> = { twilio: 0, sns: 0, lookup: 0 };
  return {
    record(provider) {
      counts[provider] += 1;
    },
    snapshot: () => ({ ...counts }),
  };
}

/**
 * The real local stack for the soak (test/support/local-stack.ts): issuer on 127.0.0.1 and its
 * own Redis database number on REDIS_URL.
 */
import { startLocalStack, type LocalStack } from "../support/local-stack";

/** The Redis database the soak uses on REDIS_URL; the workerd test projects use 11 and 12, the e2e project 14. */
const SOAK_REDIS_DATABASE = 13;

export type SoakStack = LocalStack;

export interface SoakStackOptions {
  /** Extra gate vars (the soak pins REVOCATION_SYNC_MS so it knows the bound it waits for). */
  readonly gateVars: Readonly<Record<string, string>>;
}

export function startSoakStack(options: SoakStackOptions): Promise<SoakStack> {
  return startLocalStack({ label: "soak", redisDatabase: SOAK_REDIS_DATABASE, issuerHost: "127.0.0.1", gateVars: options.gateVars });
}

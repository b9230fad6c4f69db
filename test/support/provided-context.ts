/** What the global setup hands to the tests (`inject(...)`). */
export type { ProvidedContext } from "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    issuerBindings: Record<string, string>;
    gateBindings: Record<string, string>;
    smsSandboxUrl: string;
    originUrl: string;
    canaryUrl: string;
    /** An Upstash endpoint on the stack's store that `upstashControlUrl` can stop (`POST /down`, or `POST /down-after/N` requests) and start (`POST /up`). */
    switchableUpstashUrl: string;
    upstashControlUrl: string;
    /** The same for Neon: a `NEON_FETCH_ENDPOINT` on the stack's database, stopped, started and faulted through `neonControlUrl`. */
    switchableNeonFetchEndpoint: string;
    neonControlUrl: string;
    /** The SMS sandbox's Turnstile siteverify, and the secret it accepts besides Cloudflare's dummy ones. */
    turnstileSiteverifyUrl: string;
    turnstileSecretKey: string;
    /** Property-based tests: `FC_SEED` and `FC_PATH` replay a reported failure, `FC_RUNS_SCALE` scales the run counts. */
    propertyRuns: { seed: number | null; path: string | null; scale: number };
    /** The software WebAuthn authenticator (test/support/passkey-authenticator-server.ts). */
    passkeyAuthenticatorUrl: string;
    /** A loopback provider whose answers the tests script (test/support/scripted-provider-server.ts). */
    scriptedProviderUrl: string;
  }
}

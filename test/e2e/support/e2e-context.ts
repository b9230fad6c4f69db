/** What the e2e project's global setup hands to its tests (`inject("e2eStack")`). */
import { inject } from "vitest";

export interface E2eStack {
  /** `http://localhost:<port>`: see test/support/global-e2e-stack.ts for why not 127.0.0.1. */
  readonly issuerUrl: string;
  readonly gateUrl: string;
  /** The SMS and email sandbox: `/messages?to=`, `/emails?to=`. */
  readonly sandboxUrl: string;
  /** The demo origin behind the gate. */
  readonly originUrl: string;
  /** The local OpenID Provider (dev/identity-provider/README.md): `/_control/...` registers clients, spoils tokens, goes down. */
  readonly identityProviderUrl: string;
  readonly adminToken: string;
  /** The workers' wrangler state and dev registry, and the gate's vars: for starting the examples beside them. */
  readonly wrangler: { readonly persistTo: string; readonly registryPath: string };
  readonly gateVars: Readonly<Record<string, string>>;
}

declare module "vitest" {
  export interface ProvidedContext {
    e2eStack: E2eStack;
  }
}

export function e2eStack(): E2eStack {
  return inject("e2eStack");
}

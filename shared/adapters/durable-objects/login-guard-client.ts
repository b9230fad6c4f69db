import { randomBase32 } from "../../crypto/ids";
import type { LoginAdmission, LoginThrottle } from "../../ports/login-throttle";
import type { LoginGuard } from "./login-guard";

const HEX_HASH = /^[0-9a-f]{64}$/;
const TENANT_ID = /^[A-Za-z0-9_-]{1,64}$/;
const ATTEMPT_ID = /^[0-9a-hjkmnp-tv-z]{26}$/;

/** Object names are built here only: one object per tenant and account key, one per tenant and client network. */
export function loginAccountGuardName(tenantId: string, accountKey: string): string {
  return `account:${tenantId}:${accountKey}`;
}

export function loginNetworkGuardName(tenantId: string, network: string): string {
  return `network:${tenantId}:${network}`;
}

/**
 * Asks the network's object first: a network locked across the tenant's accounts is
 * refused without touching the account, so it cannot push the account towards its
 * ceiling. An attempt the network admitted and the account then refused stays counted
 * for the network: it was still a guess from there.
 */
export class LoginGuardClient implements LoginThrottle {
  readonly #namespace: DurableObjectNamespace<LoginGuard>;

  constructor(namespace: DurableObjectNamespace<LoginGuard>) {
    this.#namespace = namespace;
  }

  async admit(tenantId: string, accountKey: string, network: string): Promise<LoginAdmission> {
    checkKeys(tenantId, accountKey, network);
    const attemptId = randomBase32(26);
    const byNetwork = await this.#stub(loginNetworkGuardName(tenantId, network)).admitNetwork({ attemptId });
    if (byNetwork.kind === "locked") return byNetwork;
    const byAccount = await this.#stub(loginAccountGuardName(tenantId, accountKey)).admitAccount({ network });
    if (byAccount.kind === "locked") return byAccount;
    return { kind: "admitted", attemptId };
  }

  async succeeded(tenantId: string, accountKey: string, network: string, attemptId: string): Promise<void> {
    checkKeys(tenantId, accountKey, network);
    if (!ATTEMPT_ID.test(attemptId)) throw new TypeError("not an attempt id from admit");
    await Promise.all([
      this.#stub(loginAccountGuardName(tenantId, accountKey)).succeedAccount({ network }),
      this.#stub(loginNetworkGuardName(tenantId, network)).succeedNetwork({ attemptId }),
    ]);
  }

  #stub(name: string) {
    return this.#namespace.get(this.#namespace.idFromName(name));
  }
}

/** A name built from anything else could alias another object's, or hold an address in clear: that is a caller's bug. */
function checkKeys(tenantId: string, accountKey: string, network: string): void {
  if (!TENANT_ID.test(tenantId) || !HEX_HASH.test(accountKey) || !HEX_HASH.test(network)) throw new TypeError("login throttle keys must be a tenant id and two 64-hex keyed hashes");
}

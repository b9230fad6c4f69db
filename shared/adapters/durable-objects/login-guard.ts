import { DurableObject } from "cloudflare:workers";
import { z } from "zod";
import {
  EMPTY_ACCOUNT_STATE,
  EMPTY_NETWORK_STATE,
  accountAttemptSucceeded,
  admitAccountAttempt,
  admitNetworkAttempt,
  isAccountIdle,
  isNetworkIdle,
  networkAttemptSucceeded,
  pruneAccount,
  pruneNetwork,
  type AccountThrottleState,
  type NetworkThrottleState,
  type ThrottleDecision,
} from "../../domain/login-throttle";

/** An object is either an account's or a network's (its name says which); each keeps its state under its own key. */
const ACCOUNT_KEY = "account";
const NETWORK_KEY = "network";
/** How often an object with live state looks again whether it can delete itself. */
const CLEANUP_INTERVAL_MS = 60 * 60 * 1000;
const hexHash = z.string().regex(/^[0-9a-f]{64}$/);
/** 26 base32 characters, as `randomBase32` makes them. */
const attemptId = z.string().regex(/^[0-9a-hjkmnp-tv-z]{26}$/);
const accountInput = z.strictObject({ network: hexHash });
const networkInput = z.strictObject({ attemptId });

/**
 * Password-login throttle. Named `account:<tenant>:<account key>`, it keeps the account's
 * runs of consecutive failures, per client network and for the account as a whole;
 * named `network:<tenant>:<network key>`, the failures of one client network across the
 * tenant's accounts. Each RPC reads, decides and writes with synchronous storage calls,
 * so racing attempts are counted one at a time.
 */
export class LoginGuard extends DurableObject {
  admitAccount(input: unknown): ThrottleDecision {
    const { network } = accountInput.parse(input);
    const { state, decision } = admitAccountAttempt(this.#account(), network, Date.now());
    this.#save(ACCOUNT_KEY, state);
    return decision;
  }

  succeedAccount(input: unknown): void {
    const { network } = accountInput.parse(input);
    this.#save(ACCOUNT_KEY, accountAttemptSucceeded(this.#account(), network, Date.now()));
  }

  admitNetwork(input: unknown): ThrottleDecision {
    const { attemptId } = networkInput.parse(input);
    const { state, decision } = admitNetworkAttempt(this.#network(), attemptId, Date.now());
    this.#save(NETWORK_KEY, state);
    return decision;
  }

  succeedNetwork(input: unknown): void {
    const { attemptId } = networkInput.parse(input);
    this.#save(NETWORK_KEY, networkAttemptSucceeded(this.#network(), attemptId, Date.now()));
  }

  /** An idle object deletes itself; a busy one drops what has lapsed and looks again later. */
  override alarm(): void {
    const now = Date.now();
    const kv = this.ctx.storage.kv;
    const account = kv.get<AccountThrottleState>(ACCOUNT_KEY);
    if (account !== undefined) {
      if (isAccountIdle(account, now)) kv.delete(ACCOUNT_KEY);
      else kv.put(ACCOUNT_KEY, pruneAccount(account, now));
    }
    const network = kv.get<NetworkThrottleState>(NETWORK_KEY);
    if (network !== undefined) {
      if (isNetworkIdle(network, now)) kv.delete(NETWORK_KEY);
      else kv.put(NETWORK_KEY, pruneNetwork(network, now));
    }
    if (kv.get(ACCOUNT_KEY) !== undefined || kv.get(NETWORK_KEY) !== undefined) this.#scheduleCleanup();
  }

  #account(): AccountThrottleState {
    return this.ctx.storage.kv.get<AccountThrottleState>(ACCOUNT_KEY) ?? EMPTY_ACCOUNT_STATE;
  }

  #network(): NetworkThrottleState {
    return this.ctx.storage.kv.get<NetworkThrottleState>(NETWORK_KEY) ?? EMPTY_NETWORK_STATE;
  }

  #save(key: string, state: AccountThrottleState | NetworkThrottleState): void {
    this.ctx.storage.kv.put(key, state);
    this.#scheduleCleanup();
  }

  #scheduleCleanup(): void {
    void this.ctx.storage.setAlarm(Date.now() + CLEANUP_INTERVAL_MS);
  }
}

export type LoginAdmission =
  | { readonly kind: "admitted"; readonly attemptId: string }
  | { readonly kind: "locked"; readonly scope: "account" | "network"; readonly retryAfterMs: number };

export interface LoginThrottle {
  /**
   * Called before the password is checked. Counts the attempt as a failure until `succeeded` says otherwise,
   * so parallel wrong guesses can never exceed the limits (no check-then-act gap). `accountKey` is a keyed hash of the
   * tenant's normalised address (unknown addresses are throttled exactly like known ones); `network` a keyed hash of the client network.
   */
  admit(tenantId: string, accountKey: string, network: string): Promise<LoginAdmission>;
  /** The password was right: the account's and this network's runs for this account are reset. */
  succeeded(tenantId: string, accountKey: string, network: string, attemptId: string): Promise<void>;
}

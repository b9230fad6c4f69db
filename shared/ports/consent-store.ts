/** What users let clients that are not first-party have: one row per user and client, scopes merged. */
export interface ConsentStore {
  /** The scopes the user has granted the client so far (empty when none). */
  granted(userId: string, clientId: string): Promise<readonly string[]>;
  /** Adds scopes to the user's grant for the client; scopes granted earlier stay. */
  grant(consent: { readonly tenantId: string; readonly userId: string; readonly clientId: string; readonly scopes: readonly string[] }, now: Date): Promise<void>;
}

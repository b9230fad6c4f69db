/** The server-side half of an upstream sign-in, keyed by SHA-256 of the `state` sent to the provider. Single use. Lives 10 minutes. */
export interface UpstreamRequestRecord {
  readonly stateHash: string;
  readonly tenantId: string;
  readonly connectionId: string;
  /** SHA-256 hex of the random value in the browser-binding cookie */
  readonly browserBindingHash: string;
  /** the OIDC nonce sent upstream, as SHA-256 hex; null for github */
  readonly nonceHash: string | null;
  /** PKCE code_verifier, sealed ("upstream-verifier", context = stateHash) */
  readonly sealedCodeVerifier: string;
  /** "sign_in": a sign-in (maybe inside an authorization request); "link": a signed-in user linking one more identity */
  readonly purpose: "sign_in" | "link";
  /** link: the user linking; sign_in: null */
  readonly userId: string | null;
  /** the hosted page's pending authorization request reference (what `PageTenant.ref` carries) or null, JSON-encoded by the caller */
  readonly returnTo: string | null;
  readonly expiresAt: Date;
}

export interface UpstreamRequestStore {
  create(request: UpstreamRequestRecord, now: Date): Promise<void>;
  /** atomically marks it spent and returns it; null when unknown, already spent or expired */
  spend(stateHash: string, now: Date): Promise<UpstreamRequestRecord | null>;
  deleteExpired(before: Date): Promise<number>;
}

import type { AmrValue } from "../domain/authentication-methods";

export interface AuthorizationCodeRecord {
  readonly codeHash: string;
  readonly tenantId: string;
  readonly clientId: string;
  readonly userId: string;
  readonly browserSessionId: string | null;
  readonly redirectUri: string;
  /** PKCE S256 challenge, base64url (RFC 7636 §4.2). */
  readonly codeChallenge: string;
  readonly nonce: string | null;
  readonly scope: string;
  readonly authTime: Date;
  readonly amr: readonly AmrValue[];
  readonly expiresAt: Date;
}

/** What spending a code found: the code's grant, or the session a first use opened when this is a replay. */
export type CodeSpend =
  | { readonly outcome: "spent"; readonly code: AuthorizationCodeRecord }
  | { readonly outcome: "replayed"; readonly tenantId: string; readonly issuedSessionId: string | null }
  | { readonly outcome: "unknown" };

export interface AuthorizationCodeStore {
  insert(code: AuthorizationCodeRecord, now: Date): Promise<void>;
  /**
   * Marks the code used with one conditional UPDATE, so of two racing uses exactly one gets
   * `spent`; an expired code is `unknown`; a used one is `replayed`.
   */
  spend(codeHash: string, now: Date): Promise<CodeSpend>;
  /** Records the session the code's first use opened, so a replay can revoke it. */
  recordIssuedSession(codeHash: string, sessionId: string): Promise<void>;
  deleteExpired(before: Date): Promise<number>;
}

/** RFC 6749 §5.2 error codes the token, revocation and userinfo endpoints answer with. */
export type OAuthErrorCode = "invalid_request" | "invalid_client" | "invalid_grant" | "unauthorized_client" | "unsupported_grant_type" | "invalid_scope";

export interface OAuthError {
  readonly error: OAuthErrorCode;
  /** Plain words for the developer; never a code, token, secret or verifier. */
  readonly description: string;
  /** `invalid_client` after HTTP Basic: the answer is 401 with a Basic challenge (§5.2). */
  readonly basicChallenge?: true;
}

export function oauthError(error: OAuthErrorCode, description: string, basicChallenge?: true): OAuthError {
  return basicChallenge ? { error, description, basicChallenge } : { error, description };
}

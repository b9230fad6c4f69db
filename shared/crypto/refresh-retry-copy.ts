import { openSecret, sealSecret } from "./key-encryption";

/**
 * HKDF info of the key that seals refresh-token retry copies: a key of its own,
 * so a value sealed for another purpose under the same secret never opens here.
 */
export const REFRESH_RETRY_KEY_INFO = "portcullis refresh-token retry copy v1";

/**
 * Seals a successor refresh token so that a retry of its predecessor can be
 * answered with it. The predecessor's hash is bound as additional data: the copy
 * opens only for the token it succeeds, never when moved to another row.
 */
export function sealRetryCopy(secret: string, successorToken: string, predecessorHash: string): Promise<string> {
  return sealSecret(secret, successorToken, retryContext(predecessorHash), REFRESH_RETRY_KEY_INFO);
}

export function openRetryCopy(secret: string, sealed: string, predecessorHash: string): Promise<string | null> {
  return openSecret(secret, sealed, retryContext(predecessorHash), REFRESH_RETRY_KEY_INFO);
}

function retryContext(predecessorHash: string): string {
  return `refresh-retry:${predecessorHash}`;
}

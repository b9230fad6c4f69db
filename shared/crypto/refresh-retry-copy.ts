import { openSecret, sealSecret } from "./key-encryption";

/**
 * Seals a successor refresh token (under its own purpose key, so a value sealed for
 * another purpose under the same secret never opens here) so that a retry of its predecessor can be
 * answered with it. The predecessor's hash is bound as additional data: the copy
 * opens only for the token it succeeds, never when moved to another row.
 */
export function sealRetryCopy(secret: string, successorToken: string, predecessorHash: string): Promise<string> {
  return sealSecret(secret, "refresh-retry-copy", successorToken, retryContext(predecessorHash));
}

export function openRetryCopy(secret: string, sealed: string, predecessorHash: string): Promise<string | null> {
  return openSecret(secret, "refresh-retry-copy", sealed, retryContext(predecessorHash));
}

function retryContext(predecessorHash: string): string {
  return `refresh-retry:${predecessorHash}`;
}

import { encodeBase64Url } from "../../../../shared/crypto/base64url";
import { hmacSha256Hex, sha256Hex } from "../../../../shared/crypto/hashing";
import { randomBase32 } from "../../../../shared/crypto/ids";
import { sealSecret } from "../../../../shared/crypto/key-encryption";
import { err, ok, type Result } from "../../../../shared/errors/result";
import type { ConnectionRecord } from "../../../../shared/ports/connection-store";
import type { UpstreamRequestStore } from "../../../../shared/ports/upstream-request-store";
import { authorizationUrl, type FederationDeps, type UpstreamFailure } from "./upstream";

/** How long a browser has to come back from the provider; the request and the binding cookie both end then. */
export const UPSTREAM_REQUEST_TTL_SECONDS = 600;

/** `state` and the browser-binding value: 160 random bits each, base32. */
const RANDOM_VALUE = /^[0-9a-hjkmnp-tv-z]{32}$/;

export function isUpstreamRandomValue(value: string): boolean {
  return RANDOM_VALUE.test(value);
}

export interface UpstreamStartDeps {
  readonly federation: FederationDeps;
  readonly upstreamRequests: UpstreamRequestStore;
  readonly keyEncryptionSecret: string;
  readonly issuerUrl: string;
}

/**
 * Where the provider sends the browser back; registered at the provider as is. Beside the
 * issuer's other endpoints, under any path `ISSUER_URL` has, as discovery names them.
 */
export function callbackUrl(issuerUrl: string, connectionId: string): string {
  return `${issuerUrl.replace(/\/+$/, "")}/oauth2/callback/${connectionId}`;
}

/**
 * The OIDC nonce is derived from the browser-binding value and the state, so the callback can
 * recompute it without it being stored: only the browser that started the flow holds both.
 */
export function nonceFor(bindingValue: string, state: string): Promise<string> {
  return hmacSha256Hex(bindingValue, `nonce:${state}`);
}

async function codeChallengeOf(verifier: string): Promise<string> {
  return encodeBase64Url(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))));
}

/**
 * Starts an upstream sign-in (or link): a fresh state, browser-binding value, nonce and PKCE
 * verifier; only their hashes (and the sealed verifier) are stored. Nothing is stored when the
 * provider cannot be reached for its authorization endpoint.
 */
export async function startUpstream(
  deps: UpstreamStartDeps,
  connection: ConnectionRecord,
  request: { readonly purpose: "sign_in" | "link"; readonly userId: string | null; readonly returnTo: string | null },
  now: Date,
): Promise<Result<{ readonly location: string; readonly bindingValue: string }, UpstreamFailure>> {
  const state = randomBase32(32);
  const bindingValue = randomBase32(32);
  const verifier = encodeBase64Url(crypto.getRandomValues(new Uint8Array(32)));
  const nonce = connection.provider === "github" ? null : await nonceFor(bindingValue, state);
  const redirectUri = callbackUrl(deps.issuerUrl, connection.id);
  const url = await authorizationUrl(deps.federation, connection, { redirectUri, state, nonce, codeChallenge: await codeChallengeOf(verifier) });
  if (!url.ok) return err(url.error);
  const stateHash = await sha256Hex(state);
  await deps.upstreamRequests.create(
    {
      stateHash,
      tenantId: connection.tenantId,
      connectionId: connection.id,
      browserBindingHash: await sha256Hex(bindingValue),
      nonceHash: nonce === null ? null : await sha256Hex(nonce),
      sealedCodeVerifier: await sealSecret(deps.keyEncryptionSecret, "upstream-verifier", verifier, stateHash),
      purpose: request.purpose,
      userId: request.userId,
      returnTo: request.returnTo,
      expiresAt: new Date(now.getTime() + UPSTREAM_REQUEST_TTL_SECONDS * 1000),
    },
    now,
  );
  return ok({ location: url.value.toString(), bindingValue });
}

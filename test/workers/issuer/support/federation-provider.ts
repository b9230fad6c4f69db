/**
 * A provider for the social sign-in flow, played by the scripted loopback server
 * (test/support/scripted-provider-server.ts): discovery, JWKS and token endpoint of an OpenID
 * Provider under a fresh path, id_tokens signed here with a key only this provider publishes.
 */
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from "jose";
import { expect, inject } from "vitest";
import { randomBase32 } from "../../../../shared/crypto/ids";

const SERVER = inject("scriptedProviderUrl");

export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** Scripts one path's answer; `status: 0` drops the connection. */
export async function script(path: string, status: number, body: unknown, headers?: Record<string, string>): Promise<void> {
  const response = await fetch(`${SERVER}/__script`, { method: "PUT", body: JSON.stringify({ path, status, body: typeof body === "string" ? body : JSON.stringify(body), headers }) });
  expect(response.status).toBe(200);
  await response.body?.cancel();
}

export async function seenUnder(prefix: string): Promise<SeenRequest[]> {
  const response = await fetch(`${SERVER}/__seen?prefix=${encodeURIComponent(prefix)}`);
  return (await response.json<{ requests: SeenRequest[] }>()).requests;
}

export interface ScriptedOpenIdProvider {
  readonly issuer: string;
  readonly prefix: string;
  /** The token endpoint's next answer: an id_token with these claims (iss, aud, iat, exp filled in unless given). */
  answerWith(claims: JWTPayload, options?: { readonly signWithAnotherKey?: boolean }): Promise<void>;
  /** Every endpoint of the provider drops its connections. */
  goDown(): Promise<void>;
  tokenRequests(): Promise<SeenRequest[]>;
}

export const CLIENT_ID = "portcullis-test-client";

export async function scriptedOpenIdProvider(): Promise<ScriptedOpenIdProvider> {
  const prefix = `/op-${randomBase32(12)}`;
  const issuer = `${SERVER}${prefix}`;
  const kid = `k-${randomBase32(8)}`;
  const { privateKey, publicKey } = await generateKeyPair("ES256", { extractable: true });
  const stranger = await generateKeyPair("ES256", { extractable: true });
  const discovery = {
    issuer,
    authorization_endpoint: `${issuer}/authorize`,
    token_endpoint: `${issuer}/token`,
    jwks_uri: `${issuer}/jwks`,
    id_token_signing_alg_values_supported: ["ES256"],
    response_types_supported: ["code"],
    subject_types_supported: ["public"],
    code_challenge_methods_supported: ["S256"],
  };
  await script(`${prefix}/.well-known/openid-configuration`, 200, discovery);
  await script(`${prefix}/jwks`, 200, { keys: [{ ...(await exportJWK(publicKey)), kid, alg: "ES256", use: "sig" }] });
  return {
    issuer,
    prefix,
    async answerWith(claims, options = {}) {
      const now = Math.floor(Date.now() / 1000);
      const idToken = await new SignJWT({ iss: issuer, aud: CLIENT_ID, iat: now, exp: now + 300, ...claims })
        .setProtectedHeader({ alg: "ES256", kid })
        .sign(options.signWithAnotherKey === true ? stranger.privateKey : privateKey);
      await script(`${prefix}/token`, 200, { access_token: `at-${randomBase32(16)}`, refresh_token: `rt-${randomBase32(16)}`, token_type: "Bearer", expires_in: 3600, id_token: idToken });
    },
    async goDown() {
      for (const path of ["/.well-known/openid-configuration", "/jwks", "/token"]) await script(`${prefix}${path}`, 0, "");
    },
    tokenRequests: async () => (await seenUnder(`${prefix}/token`)).filter((request) => request.method === "POST"),
  };
}

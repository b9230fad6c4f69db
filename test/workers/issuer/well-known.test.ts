import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

describe("GET /.well-known/openid-configuration", () => {
  it("names the issuer, the JWKS and the introspection and revocation endpoints", async () => {
    const response = await exports.default.fetch("http://issuer.test/.well-known/openid-configuration");
    expect(response.status).toBe(200);
    const body = await response.json<Record<string, unknown>>();
    expect(body).toMatchObject({
      issuer: env.ISSUER_URL,
      jwks_uri: `${env.ISSUER_URL}/.well-known/jwks.json`,
      introspection_endpoint: `${env.ISSUER_URL}/api/auth/introspect`,
      revocation_endpoint: `${env.ISSUER_URL}/api/auth/logout`,
      id_token_signing_alg_values_supported: ["ES256"],
    });
  });
});

import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

describe("GET /.well-known/openid-configuration", () => {
  it("names the issuer, the JWKS and the introspection endpoint", async () => {
    const response = await exports.default.fetch("http://issuer.test/.well-known/openid-configuration");
    expect(response.status).toBe(200);
    const body = await response.json<Record<string, unknown>>();
    expect(body).toMatchObject({
      issuer: env.ISSUER_URL,
      jwks_uri: `${env.ISSUER_URL}/.well-known/jwks.json`,
      introspection_endpoint: `${env.ISSUER_URL}/api/auth/introspect`,
      introspection_endpoint_auth_methods_supported: ["client_secret_bearer"],
    });
  });

  it("promises no endpoint or token the issuer does not have", async () => {
    const response = await exports.default.fetch("http://issuer.test/.well-known/openid-configuration");
    const body = await response.json<Record<string, unknown>>();
    // Logout is not an RFC 7009 revocation endpoint, no id_token is issued, and there is no token endpoint.
    expect(Object.keys(body).sort()).toEqual(["claims_supported", "introspection_endpoint", "introspection_endpoint_auth_methods_supported", "issuer", "jwks_uri"]);
  });
});

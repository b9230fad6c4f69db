import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { adminFetch, createTenant, issuerFetch, jsonRequest } from "./support/issuer-client";

async function discovery(): Promise<Record<string, unknown>> {
  const response = await issuerFetch("/.well-known/openid-configuration");
  expect(response.status).toBe(200);
  return response.json<Record<string, unknown>>();
}

describe("GET /.well-known/openid-configuration", () => {
  it("names the issuer, the JWKS and the introspection endpoint", async () => {
    expect(await discovery()).toMatchObject({
      issuer: env.ISSUER_URL,
      jwks_uri: `${env.ISSUER_URL}/.well-known/jwks.json`,
      introspection_endpoint: `${env.ISSUER_URL}/api/auth/introspect`,
      introspection_endpoint_auth_methods_supported: ["client_secret_bearer"],
    });
  });

  it("carries every field the OpenID Provider contract lists, with the contract's values", async () => {
    const issuer = env.ISSUER_URL;
    expect(await discovery()).toMatchObject({
      authorization_endpoint: `${issuer}/oauth2/authorize`,
      token_endpoint: `${issuer}/oauth2/token`,
      userinfo_endpoint: `${issuer}/oauth2/userinfo`,
      end_session_endpoint: `${issuer}/oauth2/logout`,
      revocation_endpoint: `${issuer}/oauth2/revoke`,
      response_types_supported: ["code"],
      code_challenge_methods_supported: ["S256"],
      grant_types_supported: ["authorization_code", "refresh_token", "client_credentials"],
      scopes_supported: ["openid", "profile", "email", "phone", "offline_access"],
      id_token_signing_alg_values_supported: ["RS256", "ES256"],
      token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post", "none"],
      authorization_response_iss_parameter_supported: true,
    });
  });

  it("carries every field OpenID Connect Discovery 1.0 §3 requires", async () => {
    const body = await discovery();
    for (const field of ["issuer", "authorization_endpoint", "jwks_uri", "response_types_supported", "subject_types_supported", "id_token_signing_alg_values_supported"]) expect(body).toHaveProperty(field);
    // RS256 must be among the id_token algorithms (§3), and only pairwise-free public subjects are issued.
    expect(body.id_token_signing_alg_values_supported).toContain("RS256");
    expect(body.subject_types_supported).toEqual(["public"]);
    // Recommended fields the provider can make true.
    for (const field of ["userinfo_endpoint", "scopes_supported", "claims_supported"]) expect(body).toHaveProperty(field);
    for (const claim of ["sub", "iss", "aud", "auth_time", "nonce", "amr", "sid", "email", "email_verified", "phone_number", "phone_number_verified", "name"]) expect(body.claims_supported).toContain(claim);
  });

  it("promises nothing the provider does not do", async () => {
    const body = await discovery();
    // No dynamic registration, no ACR values, no request objects; request_uri support defaults to true in §3, so it is denied explicitly.
    for (const field of ["registration_endpoint", "acr_values_supported", "request_object_signing_alg_values_supported", "userinfo_signing_alg_values_supported", "id_token_encryption_alg_values_supported"]) expect(body).not.toHaveProperty(field);
    expect(body).toMatchObject({ request_uri_parameter_supported: false, request_parameter_supported: false, claims_parameter_supported: false });
    expect(body.code_challenge_methods_supported).not.toContain("plain");
    expect(body.token_endpoint_auth_methods_supported).not.toContain("client_secret_jwt");
  });

  it("lists only endpoints that exist: each answers something other than 404", async () => {
    const body = await discovery();
    const endpoints = Object.entries(body).filter(([field, value]) => (field.endsWith("_endpoint") || field === "jwks_uri") && typeof value === "string");
    expect(endpoints.map(([field]) => field).sort()).toEqual(["authorization_endpoint", "end_session_endpoint", "introspection_endpoint", "jwks_uri", "revocation_endpoint", "token_endpoint", "userinfo_endpoint"]);
    for (const [field, url] of endpoints) {
      const path = String(url).slice(env.ISSUER_URL.length);
      expect(String(url).startsWith(env.ISSUER_URL), field).toBe(true);
      for (const method of ["GET", "POST"]) {
        const response = await issuerFetch(path, { method });
        expect(response.status, `${method} ${field}`).not.toBe(404);
        expect(response.status, `${method} ${field}`).toBeLessThan(500);
      }
    }
  });

  it("lists only grants the token endpoint takes: none answers unsupported_grant_type", async () => {
    const tenant = await createTenant();
    const created = await adminFetch(`/api/admin/tenants/${tenant.tenant_id}/clients`, jsonRequest("POST", { name: "Grants", type: "confidential", redirect_uris: ["https://app.example/cb"] }));
    const client = await created.json<{ client_id: string; client_secret: string }>();
    const grants = (await discovery()).grant_types_supported as string[];
    for (const grant of grants) {
      const response = await issuerFetch("/oauth2/token", {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Authorization: `Basic ${btoa(`${client.client_id}:${client.client_secret}`)}` },
        body: new URLSearchParams({ grant_type: grant }).toString(),
      });
      const answer = await response.json<{ error?: string }>();
      expect(answer.error, grant).not.toBe("unsupported_grant_type");
      expect(response.status, grant).toBeLessThan(500);
    }
  });
});

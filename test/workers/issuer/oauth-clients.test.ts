import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { authorizationCodes, oauthClients } from "../../../drizzle/schema";
import { sha256Hex } from "../../../shared/crypto/hashing";
import { neonAuthorizationCodeStore } from "../../../shared/adapters/neon/authorization-code-store";
import { neonOAuthClientStore } from "../../../shared/adapters/neon/oauth-client-store";
import { AUTHORIZATION_CODE_TTL_SECONDS, issueAuthorizationCode } from "../../../workers/issuer/services/oauth/authorization-codes";
import { clientSecretMatches, findClient } from "../../../workers/issuer/services/oauth/clients";
import { testDb } from "./support/account-rows";
import { adminFetch, createTenant, expectError, jsonRequest, signIn } from "./support/issuer-client";

interface ClientBody {
  client_id: string;
  client_secret?: string;
  tenant_id: string;
  name: string;
  type: string;
  first_party: boolean;
  redirect_uris: string[];
  post_logout_redirect_uris: string[];
  id_token_signed_response_alg: string;
  roles: string[];
}

const deps = { oauthClients: neonOAuthClientStore(testDb), authorizationCodes: neonAuthorizationCodeStore(testDb) };

async function registerClient(tenantId: string, body: Record<string, unknown>): Promise<ClientBody> {
  const response = await adminFetch(`/api/admin/tenants/${tenantId}/clients`, jsonRequest("POST", body));
  expect(response.status, await response.clone().text()).toBe(201);
  return await response.json<ClientBody>();
}

describe("OAuth client registration", () => {
  it("shows a confidential client's secret once and stores only its SHA-256", async () => {
    const tenant = await createTenant();
    const client = await registerClient(tenant.tenant_id, { name: "Web", type: "confidential", redirect_uris: ["https://app.example/cb"], roles: ["reporter"] });
    expect(client.client_id).toMatch(/^cli_[0-9a-hjkmnp-tv-z]{26}$/);
    expect(client.client_secret).toMatch(/^cs_/);
    expect(client).toMatchObject({ type: "confidential", first_party: false, id_token_signed_response_alg: "RS256", roles: ["reporter"], post_logout_redirect_uris: [] });
    const [row] = await testDb.select().from(oauthClients).where(eq(oauthClients.id, client.client_id));
    expect(row?.secretHash).toBe(await sha256Hex(client.client_secret ?? ""));
    expect(JSON.stringify(row)).not.toContain(client.client_secret);

    const shown = await adminFetch(`/api/admin/tenants/${tenant.tenant_id}/clients/${client.client_id}`);
    expect(shown.status).toBe(200);
    expect(await shown.json()).not.toHaveProperty("client_secret");
    const listed = await (await adminFetch(`/api/admin/tenants/${tenant.tenant_id}/clients`)).json<{ clients: ClientBody[] }>();
    expect(listed.clients.map((entry) => entry.client_id)).toEqual([client.client_id]);
    expect(listed.clients[0]).not.toHaveProperty("client_secret");
  });

  it("gives a public client no secret", async () => {
    const tenant = await createTenant();
    const client = await registerClient(tenant.tenant_id, { name: "SPA", type: "public", redirect_uris: ["http://127.0.0.1:5173/cb"], first_party: true, id_token_signed_response_alg: "ES256" });
    expect(client).not.toHaveProperty("client_secret");
    expect(client).toMatchObject({ first_party: true, id_token_signed_response_alg: "ES256" });
  });

  it.each([
    ["plain http on a public host", "http://app.example/cb"],
    ["a fragment", "https://app.example/cb#x"],
    ["credentials in the authority", "https://user:pw@app.example/cb"],
    ["a backslash", "https://app.example\\@evil.example/cb"],
    ["a relative path", "/cb"],
    ["a javascript: URL", "javascript:alert(1)"],
    ["a custom scheme", "myapp://cb"],
    ["a form the parser rewrites", "https://APP.example/cb"],
    ["an encoded dot-segment the parser rewrites", "https://app.example/a/%2e%2e/cb"],
    ["a space", "https://app.example/c b"],
  ])("refuses a redirect URI with %s (open-redirect registration)", async (_label, uri) => {
    const tenant = await createTenant();
    const response = await adminFetch(`/api/admin/tenants/${tenant.tenant_id}/clients`, jsonRequest("POST", { name: "x", type: "public", redirect_uris: [uri] }));
    await expectError(response, 400, "invalid_request");
    const listed = await (await adminFetch(`/api/admin/tenants/${tenant.tenant_id}/clients`)).json<{ clients: ClientBody[] }>();
    expect(listed.clients).toEqual([]);
  });

  it("refuses an id_token algorithm other than RS256 or ES256 (alg downgrade)", async () => {
    const tenant = await createTenant();
    for (const alg of ["none", "HS256"]) {
      const response = await adminFetch(`/api/admin/tenants/${tenant.tenant_id}/clients`, jsonRequest("POST", { name: "x", type: "public", redirect_uris: ["https://a.example/cb"], id_token_signed_response_alg: alg }));
      await expectError(response, 400, "invalid_request");
    }
  });

  it("answers 404 for another tenant's client (cross-tenant read, change and delete)", async () => {
    const owner = await createTenant();
    const other = await createTenant();
    const client = await registerClient(owner.tenant_id, { name: "Web", type: "public", redirect_uris: ["https://app.example/cb"] });
    const path = `/api/admin/tenants/${other.tenant_id}/clients/${client.client_id}`;
    await expectError(await adminFetch(path), 404, "not_found");
    await expectError(await adminFetch(path, jsonRequest("PATCH", { name: "Stolen" })), 404, "not_found");
    await expectError(await adminFetch(path, { method: "DELETE" }), 404, "not_found");
    expect(await findClient(deps, client.client_id)).toMatchObject({ name: "Web", tenantId: owner.tenant_id });
  });

  it("changes what PATCH names and nothing else", async () => {
    const tenant = await createTenant();
    const client = await registerClient(tenant.tenant_id, { name: "Web", type: "confidential", redirect_uris: ["https://app.example/cb"] });
    const response = await adminFetch(`/api/admin/tenants/${tenant.tenant_id}/clients/${client.client_id}`, jsonRequest("PATCH", { redirect_uris: ["https://app.example/new"], first_party: true }));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ name: "Web", type: "confidential", redirect_uris: ["https://app.example/new"], first_party: true });
    const stored = await findClient(deps, client.client_id);
    expect(stored && (await clientSecretMatches(stored, client.client_secret ?? ""))).toBe(true);
  });

  it("refuses a PATCH of the client type (a public client cannot become confidential without a secret)", async () => {
    const tenant = await createTenant();
    const client = await registerClient(tenant.tenant_id, { name: "SPA", type: "public", redirect_uris: ["https://app.example/cb"] });
    await expectError(await adminFetch(`/api/admin/tenants/${tenant.tenant_id}/clients/${client.client_id}`, jsonRequest("PATCH", { type: "confidential" })), 400, "invalid_request");
  });

  it("deletes a client: it is no longer found and its secret hash is gone", async () => {
    const tenant = await createTenant();
    const client = await registerClient(tenant.tenant_id, { name: "Web", type: "confidential", redirect_uris: ["https://app.example/cb"] });
    const response = await adminFetch(`/api/admin/tenants/${tenant.tenant_id}/clients/${client.client_id}`, { method: "DELETE" });
    expect(response.status).toBe(204);
    expect(await findClient(deps, client.client_id)).toBeNull();
    const [row] = await testDb.select().from(oauthClients).where(eq(oauthClients.id, client.client_id));
    expect(row?.secretHash).toBeNull();
    await expectError(await adminFetch(`/api/admin/tenants/${tenant.tenant_id}/clients/${client.client_id}`), 404, "not_found");
  });
});

describe("client secrets", () => {
  it("refuses a wrong secret, the secret's hash, and any secret for a public client", async () => {
    const tenant = await createTenant();
    const confidential = await registerClient(tenant.tenant_id, { name: "Web", type: "confidential", redirect_uris: ["https://app.example/cb"] });
    const stored = await findClient(deps, confidential.client_id);
    if (!stored?.secretHash) throw new Error("no client");
    expect(await clientSecretMatches(stored, `${confidential.client_secret ?? ""}x`)).toBe(false);
    expect(await clientSecretMatches(stored, stored.secretHash)).toBe(false);
    const spa = await registerClient(tenant.tenant_id, { name: "SPA", type: "public", redirect_uris: ["https://app.example/cb"] });
    const publicClient = await findClient(deps, spa.client_id);
    if (!publicClient) throw new Error("no client");
    expect(await clientSecretMatches(publicClient, "")).toBe(false);
  });
});

describe("authorization codes", () => {
  it("stores only the code's hash, for 60 seconds", async () => {
    const tenant = await createTenant();
    const client = await registerClient(tenant.tenant_id, { name: "Web", type: "public", redirect_uris: ["https://app.example/cb"] });
    const user = await signIn(tenant);
    const now = new Date();
    const code = await issueAuthorizationCode(
      deps,
      { tenantId: tenant.tenant_id, clientId: client.client_id, userId: user.user_id, browserSessionId: null, redirectUri: "https://app.example/cb", codeChallenge: "x".repeat(43), nonce: "n-1", scope: "openid", authTime: now, amr: ["sms"] },
      now,
    );
    const rows = await testDb.select().from(authorizationCodes).where(eq(authorizationCodes.clientId, client.client_id));
    expect(rows).toHaveLength(1);
    expect(rows[0]?.codeHash).toBe(await sha256Hex(code));
    expect(JSON.stringify(rows)).not.toContain(code);
    expect((rows[0]?.expiresAt.getTime() ?? 0) - now.getTime()).toBe(AUTHORIZATION_CODE_TTL_SECONDS * 1000);
    expect(AUTHORIZATION_CODE_TTL_SECONDS).toBe(60);
  });

  it("spends a code once: the second spend is a replay naming the session the first opened", async () => {
    const tenant = await createTenant();
    const client = await registerClient(tenant.tenant_id, { name: "Web", type: "public", redirect_uris: ["https://app.example/cb"] });
    const user = await signIn(tenant);
    const now = new Date();
    const code = await issueAuthorizationCode(
      deps,
      { tenantId: tenant.tenant_id, clientId: client.client_id, userId: user.user_id, browserSessionId: null, redirectUri: "https://app.example/cb", codeChallenge: "x".repeat(43), nonce: null, scope: "openid", authTime: now, amr: ["sms"] },
      now,
    );
    const hash = await sha256Hex(code);
    const [first, second] = await Promise.all([deps.authorizationCodes.spend(hash, now), deps.authorizationCodes.spend(hash, now)]);
    expect([first.outcome, second.outcome].sort()).toEqual(["replayed", "spent"]);
    await deps.authorizationCodes.recordIssuedSession(hash, "ses_first");
    expect(await deps.authorizationCodes.spend(hash, now)).toEqual({ outcome: "replayed", tenantId: tenant.tenant_id, issuedSessionId: "ses_first" });
  });

  it("treats an expired code as unknown (code kept past its 60 s)", async () => {
    const tenant = await createTenant();
    const client = await registerClient(tenant.tenant_id, { name: "Web", type: "public", redirect_uris: ["https://app.example/cb"] });
    const user = await signIn(tenant);
    const now = new Date();
    const code = await issueAuthorizationCode(
      deps,
      { tenantId: tenant.tenant_id, clientId: client.client_id, userId: user.user_id, browserSessionId: null, redirectUri: "https://app.example/cb", codeChallenge: "x".repeat(43), nonce: null, scope: "openid", authTime: now, amr: ["sms"] },
      now,
    );
    const hash = await sha256Hex(code);
    await testDb.update(authorizationCodes).set({ expiresAt: new Date(now.getTime() - 1000) }).where(eq(authorizationCodes.codeHash, hash));
    expect(await deps.authorizationCodes.spend(hash, now)).toEqual({ outcome: "unknown" });
  });
});

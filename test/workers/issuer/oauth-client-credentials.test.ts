import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditEvents } from "../../../drizzle/schema";
import { testDb } from "./support/account-rows";
import { adminFetch, createTenant, decodeJwtPart, issuerFetch, jsonRequest, signIn, withBearer, type TenantCredentials } from "./support/issuer-client";

interface Client {
  client_id: string;
  client_secret?: string;
}

async function registerClient(tenant: TenantCredentials, body: Record<string, unknown> = {}): Promise<Client> {
  const response = await adminFetch(`/api/admin/tenants/${tenant.tenant_id}/clients`, jsonRequest("POST", { name: "Nightly export", type: "confidential", redirect_uris: ["https://jobs.example/cb"], ...body }));
  expect(response.status, await response.clone().text()).toBe(201);
  return await response.json<Client>();
}

function basic(id: string, secret: string): string {
  return `Basic ${btoa(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`)}`;
}

function tokenRequest(fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
  return issuerFetch("/oauth2/token", { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers }, body: new URLSearchParams(fields).toString() });
}

function clientCredentials(client: Client, extra: Record<string, string> = {}): Promise<Response> {
  return tokenRequest({ grant_type: "client_credentials", ...extra }, { Authorization: basic(client.client_id, client.client_secret ?? "") });
}

async function clientToken(client: Client): Promise<string> {
  const response = await clientCredentials(client);
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json<{ access_token: string }>()).access_token;
}

async function expectOAuthError(response: Response, status: number, error: string): Promise<void> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  expect(JSON.parse(text)).toEqual({ error, error_description: expect.any(String) });
}

function introspect(secretKey: string, token: string): Promise<Response> {
  return issuerFetch("/api/auth/introspect", withBearer(secretKey, jsonRequest("POST", { token })));
}

describe("POST /oauth2/token: client_credentials", () => {
  it("answers an ES256 at+jwt whose subject is the client: client_id, its roles, the tenant's audience, no sid, no refresh token or id_token", async () => {
    const tenant = await createTenant();
    const client = await registerClient(tenant, { roles: ["reports:read", "exports:write"] });
    const response = await clientCredentials(client);
    expect(response.status, await response.clone().text()).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const body = await response.json<Record<string, unknown>>();
    expect(Object.keys(body).sort()).toEqual(["access_token", "expires_in", "token_type"]);
    expect(body).toMatchObject({ token_type: "Bearer", expires_in: 900 });
    const token = String(body.access_token);
    expect(decodeJwtPart(token, 0)).toMatchObject({ alg: "ES256", typ: "at+jwt" });
    const claims = decodeJwtPart(token, 1);
    expect(Object.keys(claims).sort()).toEqual(["aud", "client_id", "exp", "iat", "iss", "jti", "roles", "sub", "tid"]);
    expect(claims).toMatchObject({ iss: env.ISSUER_URL, aud: "portcullis", sub: client.client_id, client_id: client.client_id, tid: tenant.tenant_id, roles: ["reports:read", "exports:write"] });
    expect(Number(claims.exp) - Number(claims.iat)).toBe(900);
  });

  it("gives a client registered without roles a token with none, and accepts client_secret_post", async () => {
    const tenant = await createTenant();
    const client = await registerClient(tenant);
    const response = await tokenRequest({ grant_type: "client_credentials", client_id: client.client_id, client_secret: client.client_secret ?? "" });
    expect(response.status, await response.clone().text()).toBe(200);
    expect(decodeJwtPart((await response.json<{ access_token: string }>()).access_token, 1).roles).toEqual([]);
  });

  it("audits oauth.client_credentials with the client id and nothing secret", async () => {
    const tenant = await createTenant();
    const client = await registerClient(tenant);
    const token = await clientToken(client);
    let rows: (typeof auditEvents.$inferSelect)[] = [];
    for (let attempt = 0; attempt < 100 && rows.length === 0; attempt += 1) {
      rows = await testDb.select().from(auditEvents).where(and(eq(auditEvents.tenantId, tenant.tenant_id), eq(auditEvents.type, "oauth.client_credentials")));
      if (rows.length === 0) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(rows).toHaveLength(1);
    const text = JSON.stringify(rows[0]);
    expect(text).toContain(client.client_id);
    expect(text).not.toContain(client.client_secret ?? "no secret");
    expect(text).not.toContain(token.split(".")[2] ?? "no signature");
  });

  it("refuses a public client with unauthorized_client (a client that proved nothing)", async () => {
    const tenant = await createTenant();
    const spa = await registerClient(tenant, { type: "public" });
    await expectOAuthError(await tokenRequest({ grant_type: "client_credentials", client_id: spa.client_id }), 400, "unauthorized_client");
  });

  it("refuses a wrong secret (Basic and post) and an unknown client with 401 invalid_client", async () => {
    const tenant = await createTenant();
    const client = await registerClient(tenant);
    const basicResponse = await clientCredentials({ ...client, client_secret: `${client.client_secret ?? ""}x` });
    expect(basicResponse.headers.get("WWW-Authenticate")).toMatch(/^Basic realm="portcullis"/);
    await expectOAuthError(basicResponse, 401, "invalid_client");
    await expectOAuthError(await tokenRequest({ grant_type: "client_credentials", client_id: client.client_id, client_secret: "cs_guess" }), 401, "invalid_client");
    await expectOAuthError(await tokenRequest({ grant_type: "client_credentials", client_id: client.client_id }), 401, "invalid_client");
  });

  it.each(["openid", "offline_access", "profile email", "admin"])("refuses scope=%s with invalid_scope (a client's token grants no user scope)", async (scope) => {
    const tenant = await createTenant();
    const client = await registerClient(tenant);
    await expectOAuthError(await clientCredentials(client, { scope }), 400, "invalid_scope");
  });

  it("refuses a deleted client's secret (deleted client)", async () => {
    const tenant = await createTenant();
    const client = await registerClient(tenant);
    expect((await adminFetch(`/api/admin/tenants/${tenant.tenant_id}/clients/${client.client_id}`, { method: "DELETE" })).status).toBe(204);
    await expectOAuthError(await clientCredentials(client), 401, "invalid_client");
  });
});

describe("a client's token where a user is required", () => {
  it("is refused on /api/auth/me with 403 insufficient_scope (user-only route)", async () => {
    const tenant = await createTenant();
    const token = await clientToken(await registerClient(tenant));
    const response = await issuerFetch("/api/auth/me", withBearer(token));
    expect(response.status).toBe(403);
    expect(response.headers.get("WWW-Authenticate")).toContain('error="insufficient_scope"');
  });

  it("is refused at userinfo with 403 insufficient_scope (user-only route)", async () => {
    const tenant = await createTenant();
    const token = await clientToken(await registerClient(tenant));
    for (const method of ["GET", "POST"]) {
      const response = await issuerFetch("/oauth2/userinfo", withBearer(token, { method }));
      expect(response.status, method).toBe(403);
      expect(response.headers.get("WWW-Authenticate"), method).toContain('error="insufficient_scope"');
    }
  });

  it("is refused on session routes (logout, logout-all, sessions) with 403 and revokes nothing (user-only route)", async () => {
    const tenant = await createTenant();
    const token = await clientToken(await registerClient(tenant));
    const user = await signIn(tenant);
    const sid = String(decodeJwtPart(user.token, 1).sid);
    for (const [path, method] of [["/api/auth/logout", "POST"], ["/api/auth/logout-all", "POST"], ["/api/auth/sessions", "GET"], [`/api/auth/sessions/${sid}`, "DELETE"]] as const) {
      expect((await issuerFetch(path, withBearer(token, { method }))).status, path).toBe(403);
    }
    expect((await issuerFetch("/api/auth/me", withBearer(user.token))).status).toBe(200);
  });
});

describe("introspection of a client's token", () => {
  it("answers active with client_id and no sid, and inactive once the client is deleted", async () => {
    const tenant = await createTenant();
    const client = await registerClient(tenant, { roles: ["reports:read"] });
    const token = await clientToken(client);
    const live = await (await introspect(tenant.secret_key, token)).json<Record<string, unknown>>();
    expect(live).toMatchObject({ active: true, token_type: "client", sub: client.client_id, client_id: client.client_id, tid: tenant.tenant_id, roles: ["reports:read"], aud: "portcullis" });
    expect(live).not.toHaveProperty("sid");
    expect((await adminFetch(`/api/admin/tenants/${tenant.tenant_id}/clients/${client.client_id}`, { method: "DELETE" })).status).toBe(204);
    expect(await (await introspect(tenant.secret_key, token)).json()).toEqual({ active: false });
  });

  it("answers inactive to another tenant (cross-tenant replay)", async () => {
    const tenant = await createTenant();
    const other = await createTenant();
    const token = await clientToken(await registerClient(tenant));
    expect(await (await introspect(other.secret_key, token)).json()).toEqual({ active: false });
  });

  it("a client's token presented to /oauth2/revoke answers 200 and stays active until it expires or the client is deleted", async () => {
    const tenant = await createTenant();
    const client = await registerClient(tenant);
    const token = await clientToken(client);
    const revoked = await issuerFetch("/oauth2/revoke", { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", Authorization: basic(client.client_id, client.client_secret ?? "") }, body: new URLSearchParams({ token }).toString() });
    expect(revoked.status).toBe(200);
    expect(await (await introspect(tenant.secret_key, token)).json()).toMatchObject({ active: true });
  });
});

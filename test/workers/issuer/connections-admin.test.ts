import { eq } from "drizzle-orm";
import { exportPKCS8, generateKeyPair } from "jose";
import { describe, expect, it } from "vitest";
import { connections } from "../../../drizzle/schema";
import { openSecret } from "../../../shared/crypto/key-encryption";
import { env } from "cloudflare:workers";
import { issuerDeps } from "../../../workers/issuer/deps";
import { testDb } from "./support/account-rows";
import { adminFetch, createTenant, expectError, issuerFetch, jsonRequest } from "./support/issuer-client";

interface ConnectionBody {
  connection_id: string;
  tenant_id: string;
  provider: string;
  client_id: string;
  issuer: string | null;
  scopes: string[];
  display_name: string | null;
  enabled: boolean;
  keep_provider_tokens: boolean;
  has_client_secret: boolean;
  apple: { team_id: string; key_id: string; has_private_key: true } | null;
  callback_url: string;
}

const SECRET = "upstream-client-secret-4f1c9a";

async function appleKey(): Promise<string> {
  const { privateKey } = await generateKeyPair("ES256", { extractable: true });
  return exportPKCS8(privateKey);
}

function connectionsPath(tenantId: string, connectionId = ""): string {
  return `/api/admin/tenants/${tenantId}/connections${connectionId === "" ? "" : `/${connectionId}`}`;
}

async function connect(tenantId: string, body: Record<string, unknown>): Promise<ConnectionBody> {
  const response = await adminFetch(connectionsPath(tenantId), jsonRequest("POST", body));
  expect(response.status, await response.clone().text()).toBe(201);
  return response.json<ConnectionBody>();
}

async function signInMethods(tenantId: string): Promise<string[]> {
  const tenant = await (await adminFetch(`/api/admin/tenants/${tenantId}`)).json<{ settings: { sign_in_methods: string[] } }>();
  return tenant.settings.sign_in_methods;
}

/** The tenant's audit events as text; it must hold the connection events, or "no secret in it" would prove nothing. */
async function auditDetails(tenantId: string): Promise<string> {
  const response = await adminFetch(`/api/admin/audit?tenant_id=${tenantId}&limit=100`);
  expect(response.status).toBe(200);
  const text = JSON.stringify(await response.json());
  expect(text).toContain("connection.created");
  return text;
}

describe("social connections: the admin API", () => {
  it("creates an OpenID Connect connection whose secret is sealed, never answered and never audited", async () => {
    const tenant = await createTenant();
    const connection = await connect(tenant.tenant_id, { provider: "oidc", issuer: "https://id.example.org", client_id: "portcullis-app", client_secret: SECRET, display_name: "Acme SSO" });
    expect(connection).toMatchObject({
      tenant_id: tenant.tenant_id,
      provider: "oidc",
      client_id: "portcullis-app",
      issuer: "https://id.example.org",
      scopes: ["openid", "email", "profile"],
      display_name: "Acme SSO",
      enabled: true,
      keep_provider_tokens: false,
      has_client_secret: true,
      apple: null,
    });
    expect(connection.connection_id).toMatch(/^con_[0-9a-hjkmnp-tv-z]{26}$/);
    expect(connection.callback_url).toMatch(new RegExp(`/oauth2/callback/${connection.connection_id}$`));

    const [row] = await testDb.select().from(connections).where(eq(connections.id, connection.connection_id));
    expect(JSON.stringify(row)).not.toContain(SECRET);
    expect(await openSecret(issuerDeps(env).config.keyEncryptionSecret, "connection-secret", row?.sealedClientSecret ?? "", connection.connection_id)).toBe(SECRET);

    const shown = await (await adminFetch(connectionsPath(tenant.tenant_id, connection.connection_id))).text();
    const listed = await (await adminFetch(connectionsPath(tenant.tenant_id))).text();
    for (const answer of [shown, listed, await auditDetails(tenant.tenant_id)]) expect(answer).not.toContain(SECRET);
    expect(JSON.parse(listed)).toMatchObject({ connections: [{ connection_id: connection.connection_id }] });
  });

  it("creates Google, GitHub and Microsoft connections with each provider's default scopes", async () => {
    const tenant = await createTenant();
    expect((await connect(tenant.tenant_id, { provider: "google", client_id: "g", client_secret: SECRET })).scopes).toEqual(["openid", "email", "profile"]);
    expect((await connect(tenant.tenant_id, { provider: "github", client_id: "gh", client_secret: SECRET })).scopes).toEqual(["read:user", "user:email"]);
    const microsoft = await connect(tenant.tenant_id, { provider: "microsoft", client_id: "ms", client_secret: SECRET, scopes: ["email"] });
    expect(microsoft).toMatchObject({ issuer: null, scopes: ["openid", "email"] });
    // Microsoft's base address is the real one in production and the stand-in's in the local stack.
    const entraIssuer = `${issuerDeps(env).config.federation.microsoftBase}/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0`;
    const oneTenant = await connect(tenant.tenant_id, { provider: "microsoft", client_id: "ms", client_secret: SECRET, issuer: entraIssuer });
    expect(oneTenant.issuer).toBe(entraIssuer);
  });

  it("creates an Apple connection from its team id, key id and private key, and never shows the key", async () => {
    const tenant = await createTenant();
    const pem = await appleKey();
    const connection = await connect(tenant.tenant_id, { provider: "apple", client_id: "com.example.web", team_id: "ABCDE12345", key_id: "KEY1234567", private_key: pem });
    expect(connection).toMatchObject({ has_client_secret: false, apple: { team_id: "ABCDE12345", key_id: "KEY1234567", has_private_key: true }, scopes: ["name", "email"] });
    const body = pem.split("\n")[1] ?? "";
    const [row] = await testDb.select().from(connections).where(eq(connections.id, connection.connection_id));
    expect(JSON.stringify(row)).not.toContain(body);
    for (const answer of [await (await adminFetch(connectionsPath(tenant.tenant_id, connection.connection_id))).text(), await auditDetails(tenant.tenant_id)]) expect(answer).not.toContain(body);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ["an unknown provider", { provider: "facebook", client_id: "x", client_secret: SECRET }, "provider"],
    ["an oidc connection without an issuer", { provider: "oidc", client_id: "x", client_secret: SECRET }, "issuer"],
    ["an oidc issuer over plain http on a public host", { provider: "oidc", issuer: "http://id.example.org", client_id: "x", client_secret: SECRET }, "issuer"],
    ["an oidc issuer with a query", { provider: "oidc", issuer: "https://id.example.org/?tenant=1", client_id: "x", client_secret: SECRET }, "issuer"],
    ["an oidc issuer with credentials", { provider: "oidc", issuer: "https://user:pw@id.example.org", client_id: "x", client_secret: SECRET }, "issuer"],
    ["a google connection naming an issuer (a mix-up)", { provider: "google", issuer: "https://evil.example", client_id: "x", client_secret: SECRET }, "issuer"],
    ["a microsoft issuer of another host", { provider: "microsoft", issuer: "https://evil.example/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0", client_id: "x", client_secret: SECRET }, "issuer"],
    ["a microsoft issuer that is not a tenant id", { provider: "microsoft", issuer: `${issuerDeps(env).config.federation.microsoftBase}/common/v2.0`, client_id: "x", client_secret: SECRET }, "issuer"],
    ["a connection without a client secret", { provider: "github", client_id: "x" }, "client_secret"],
    ["an Apple connection sent a client secret", { provider: "apple", client_id: "x", client_secret: SECRET, team_id: "ABCDE12345", key_id: "KEY1234567", private_key: "x" }, "client_secret"],
    ["an Apple connection without its key", { provider: "apple", client_id: "x", team_id: "ABCDE12345", key_id: "KEY1234567" }, "private_key"],
    ["an Apple key that is not a P-256 PKCS#8 key", { provider: "apple", client_id: "x", team_id: "ABCDE12345", key_id: "KEY1234567", private_key: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----" }, "private_key"],
    ["Apple fields on a Google connection", { provider: "google", client_id: "x", client_secret: SECRET, team_id: "ABCDE12345" }, "team_id"],
    ["a scope with a space", { provider: "google", client_id: "x", client_secret: SECRET, scopes: ["openid email"] }, "scopes.0"],
    ["a scope named twice", { provider: "google", client_id: "x", client_secret: SECRET, scopes: ["openid", "openid"] }, "scopes"],
    ["an unknown field", { provider: "google", client_id: "x", client_secret: SECRET, client_secret_hash: "x" }, ""],
  ])("refuses %s with 400 invalid_request and stores nothing", async (_name, body, field) => {
    const tenant = await createTenant();
    const error = await expectError(await adminFetch(connectionsPath(tenant.tenant_id), jsonRequest("POST", body)), 400, "invalid_request");
    if (field !== "") expect(error.error.field).toBe(field);
    expect(await testDb.select().from(connections).where(eq(connections.tenantId, tenant.tenant_id))).toEqual([]);
  });

  it("lists an enabled connection in the tenant's sign_in_methods, and deleting it takes it out", async () => {
    const tenant = await createTenant();
    const connection = await connect(tenant.tenant_id, { provider: "github", client_id: "gh", client_secret: SECRET });
    expect(await signInMethods(tenant.tenant_id)).toEqual(["phone_otp", "email_otp", "password", "passkey", connection.connection_id]);
    const disabled = await connect(tenant.tenant_id, { provider: "google", client_id: "g", client_secret: SECRET, enabled: false });
    expect(await signInMethods(tenant.tenant_id)).not.toContain(disabled.connection_id);

    const deleted = await adminFetch(connectionsPath(tenant.tenant_id, connection.connection_id), { method: "DELETE" });
    expect(deleted.status).toBe(204);
    expect(await signInMethods(tenant.tenant_id)).toEqual(["phone_otp", "email_otp", "password", "passkey"]);
    await expectError(await adminFetch(connectionsPath(tenant.tenant_id, connection.connection_id)), 404, "not_found");
  });

  it("rotates a client secret and changes fields by PATCH, adding openid to an OIDC connection's scopes", async () => {
    const tenant = await createTenant();
    const connection = await connect(tenant.tenant_id, { provider: "oidc", issuer: "https://id.example.org", client_id: "a", client_secret: SECRET });
    const rotated = "rotated-secret-77";
    const response = await adminFetch(connectionsPath(tenant.tenant_id, connection.connection_id), jsonRequest("PATCH", { client_secret: rotated, scopes: ["email"], display_name: "Acme", keep_provider_tokens: true }));
    expect(response.status).toBe(200);
    const updated = await response.json<ConnectionBody>();
    expect(updated).toMatchObject({ scopes: ["openid", "email"], display_name: "Acme", keep_provider_tokens: true, has_client_secret: true });
    expect(JSON.stringify(updated)).not.toContain(rotated);
    const [row] = await testDb.select().from(connections).where(eq(connections.id, connection.connection_id));
    expect(await openSecret(issuerDeps(env).config.keyEncryptionSecret, "connection-secret", row?.sealedClientSecret ?? "", connection.connection_id)).toBe(rotated);
    expect(await auditDetails(tenant.tenant_id)).not.toContain(rotated);

    await expectError(await adminFetch(connectionsPath(tenant.tenant_id, connection.connection_id), jsonRequest("PATCH", { issuer: null })), 400, "invalid_request");
    await expectError(await adminFetch(connectionsPath(tenant.tenant_id, connection.connection_id), jsonRequest("PATCH", { team_id: "ABCDE12345", key_id: "KEY1234567", private_key: await appleKey() })), 400, "invalid_request");
  });

  it("disabling a connection by PATCH keeps it but takes it off the tenant's enabled connections", async () => {
    const tenant = await createTenant();
    const connection = await connect(tenant.tenant_id, { provider: "google", client_id: "g", client_secret: SECRET });
    const response = await adminFetch(connectionsPath(tenant.tenant_id, connection.connection_id), jsonRequest("PATCH", { enabled: false }));
    expect(response.status).toBe(200);
    expect((await response.json<ConnectionBody>()).enabled).toBe(false);
  });

  it("answers 404 for another tenant's connection on every route (no cross-tenant reads or writes)", async () => {
    const owner = await createTenant();
    const other = await createTenant();
    const connection = await connect(owner.tenant_id, { provider: "google", client_id: "g", client_secret: SECRET });
    const path = connectionsPath(other.tenant_id, connection.connection_id);
    await expectError(await adminFetch(path), 404, "not_found");
    await expectError(await adminFetch(path, jsonRequest("PATCH", { enabled: false })), 404, "not_found");
    await expectError(await adminFetch(path, { method: "DELETE" }), 404, "not_found");
    const [row] = await testDb.select().from(connections).where(eq(connections.id, connection.connection_id));
    expect(row?.enabled).toBe(true);
  });

  it("refuses a connection past the per-tenant cap", async () => {
    const tenant = await createTenant();
    for (let index = 0; index < 16; index++) await connect(tenant.tenant_id, { provider: "google", client_id: `g${index}`, client_secret: SECRET, enabled: false });
    await expectError(await adminFetch(connectionsPath(tenant.tenant_id), jsonRequest("POST", { provider: "google", client_id: "one-too-many", client_secret: SECRET })), 400, "invalid_request");
  });

  it("requires the admin token", async () => {
    const tenant = await createTenant();
    const response = await issuerFetch(connectionsPath(tenant.tenant_id));
    expect(response.status).toBe(401);
  });
});

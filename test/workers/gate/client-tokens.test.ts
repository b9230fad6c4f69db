/**
 * `client_credentials` tokens at the gate: a client calling for itself is let through like a
 * user, and the origin is told, under the gate's signature, that the caller is a client.
 * Tokens come from the real issuer's token endpoint; forged ones are signed with its real key.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { verifyGateRequest } from "../../../sdk/src/server/gate-signature/verify";
import { createTenant, decodePayload, isolatedGate, issuerCall, issuerSigningKey, signEs256, signIn, type OriginEcho, type Session, type Tenant } from "./support/gate-stack";

const POLICY = JSON.stringify([
  { path: "/reports/*", roles: ["reports:read"] },
  { path: "/second-factor/*", mfa: true },
  { path: "/recent/*", max_age: 60 },
  { path: "/api/*" },
]);
const SYNC_MS = 100;

interface Client {
  readonly client_id: string;
  readonly client_secret: string;
}

let tenant: Tenant;
let reporter: Client;
let reporterToken: string;
let member: Session;

async function registerClient(owner: Tenant, roles: string[] = []): Promise<Client> {
  const response = await issuerCall(`/api/admin/tenants/${owner.tenant_id}/clients`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${inject("issuerBindings").ADMIN_TOKEN ?? ""}` },
    body: JSON.stringify({ name: "Batch job", type: "confidential", redirect_uris: ["https://jobs.example/cb"], roles }),
  });
  expect(response.status, await response.clone().text()).toBe(201);
  return await response.json<Client>();
}

async function clientToken(client: Client): Promise<string> {
  const response = await issuerCall("/oauth2/token", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Authorization: `Basic ${btoa(`${client.client_id}:${client.client_secret}`)}` },
    body: "grant_type=client_credentials",
  });
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json<{ access_token: string }>()).access_token;
}

async function deleteClient(owner: Tenant, client: Client): Promise<void> {
  const response = await issuerCall(`/api/admin/tenants/${owner.tenant_id}/clients/${client.client_id}`, {
    method: "DELETE",
    headers: { Authorization: `Bearer ${inject("issuerBindings").ADMIN_TOKEN ?? ""}` },
  });
  expect(response.status).toBe(204);
}

const bearer = (token: string) => ({ headers: { Authorization: `Bearer ${token}` } });

async function echo(response: Response): Promise<OriginEcho> {
  expect(response.status, await response.clone().text()).toBe(200);
  return await response.json<OriginEcho>();
}

async function expectRefused(response: Response, status: number, error: string): Promise<void> {
  const body = await response.text();
  expect(response.status, body).toBe(status);
  expect(response.headers.get("WWW-Authenticate")).toContain(`error="${error}"`);
}

async function eventually(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

beforeAll(async () => {
  tenant = await createTenant();
  reporter = await registerClient(tenant, ["reports:read"]);
  reporterToken = await clientToken(reporter);
  member = await signIn(tenant);
});

describe("a client's own token at the gate", () => {
  it("is forwarded with the client's identity signed, and no user headers", async () => {
    const forwarded = await echo(await isolatedGate({ GATE_POLICY: POLICY }).request("/api/things", bearer(reporterToken)));
    expect(forwarded.headers["x-portcullis-client-id"]).toBe(reporter.client_id);
    expect(forwarded.headers["x-tenant-id"]).toBe(tenant.tenant_id);
    expect(forwarded.headers["x-portcullis-client-roles"]).toBe("reports:read");
    for (const name of ["x-user-id", "x-session-id", "x-user-roles", "x-portcullis-amr", "x-portcullis-auth-time"]) expect(forwarded.headers[name], name).toBeUndefined();
    const query = forwarded.query === "" ? "" : `?${forwarded.query}`;
    const verified = await verifyGateRequest({ headers: forwarded.headers, method: forwarded.method, url: `${forwarded.path}${query}`, body: null, secret: env.GATE_SIGNING_SECRET, authority: env.ORIGIN_URL });
    expect(verified).toMatchObject({ ok: true, identity: { kind: "client", clientId: reporter.client_id, tenantId: tenant.tenant_id, roles: ["reports:read"] } });
  });

  it("matches roles rules against the roles the client was registered with", async () => {
    const gate = isolatedGate({ GATE_POLICY: POLICY });
    expect((await gate.request("/reports/daily", bearer(reporterToken))).status).toBe(200);
    const roleless = await clientToken(await registerClient(tenant));
    await expectRefused(await gate.request("/reports/daily", bearer(roleless)), 403, "insufficient_scope");
  });

  it("refuses a client's token on routes that need a user's sign-in (mfa, max_age) with 403, not a step-up challenge", async () => {
    const gate = isolatedGate({ GATE_POLICY: POLICY });
    for (const path of ["/second-factor/x", "/recent/x"]) {
      const response = await gate.request(path, bearer(reporterToken));
      await expectRefused(response, 403, "insufficient_scope");
      expect(response.headers.get("WWW-Authenticate"), path).not.toContain("insufficient_user_authentication");
    }
  });

  it("refuses the token of a deleted client once the revocation reaches the snapshot", async () => {
    const client = await registerClient(tenant);
    const token = await clientToken(client);
    const gate = isolatedGate({ GATE_POLICY: POLICY, REVOCATION_SYNC_MS: String(SYNC_MS) });
    expect((await gate.request("/api/things", bearer(token))).status).toBe(200);
    await deleteClient(tenant, client);
    await eventually(async () => (await gate.request("/api/things", bearer(token))).status === 401);
    await expectRefused(await gate.request("/api/things", bearer(token)), 401, "invalid_token");
  });

  it("refuses the token of a deleted client at once in strict mode", async () => {
    const client = await registerClient(tenant);
    const token = await clientToken(client);
    const gate = isolatedGate({ GATE_POLICY: POLICY, GATE_REVOCATION_MODE: "strict" });
    expect((await gate.request("/api/things", bearer(token))).status).toBe(200);
    await deleteClient(tenant, client);
    await expectRefused(await gate.request("/api/things", bearer(token)), 401, "invalid_token");
  });
});

describe("attacks with client tokens at the gate", () => {
  it("refuses a user's token carrying a forged client_id claim (identity mix-up), even signed with the issuer's key", async () => {
    const key = await issuerSigningKey();
    const claims = { ...decodePayload(member.token), jti: crypto.randomUUID(), client_id: reporter.client_id };
    const forged = await signEs256(key.privateKey, { alg: "ES256", kid: key.kid, typ: "at+jwt" }, claims);
    await expectRefused(await isolatedGate({ GATE_POLICY: POLICY }).request("/api/things", bearer(forged)), 401, "invalid_token");
  });

  it("refuses a client's token carrying a session id (identity mix-up), even signed with the issuer's key", async () => {
    const key = await issuerSigningKey();
    const claims = { ...decodePayload(reporterToken), jti: crypto.randomUUID(), sid: String(decodePayload(member.token).sid) };
    const forged = await signEs256(key.privateKey, { alg: "ES256", kid: key.kid, typ: "at+jwt" }, claims);
    await expectRefused(await isolatedGate({ GATE_POLICY: POLICY }).request("/api/things", bearer(forged)), 401, "invalid_token");
  });

  it("refuses a client's token whose sub names another client (impersonation)", async () => {
    const key = await issuerSigningKey();
    const other = await registerClient(tenant, ["admin"]);
    const claims = { ...decodePayload(reporterToken), jti: crypto.randomUUID(), sub: other.client_id };
    const forged = await signEs256(key.privateKey, { alg: "ES256", kid: key.kid, typ: "at+jwt" }, claims);
    await expectRefused(await isolatedGate({ GATE_POLICY: POLICY }).request("/api/things", bearer(forged)), 401, "invalid_token");
  });

  it("refuses a client's token replayed at a gate serving another tenant (cross-tenant replay)", async () => {
    const other = await createTenant();
    const gate = isolatedGate({ GATE_POLICY: POLICY, GATE_TENANTS: other.tenant_id });
    await expectRefused(await gate.request("/api/things", bearer(reporterToken)), 401, "invalid_token");
  });

  it("strips a client's own X-Portcullis-Client-Id from a user's request (header injection)", async () => {
    const forwarded = await echo(
      await isolatedGate({ GATE_POLICY: POLICY }).request("/api/things", { headers: { Authorization: `Bearer ${member.token}`, "X-Portcullis-Client-Id": reporter.client_id, "X-Portcullis-Client-Roles": "admin" } }),
    );
    expect(forwarded.headers["x-portcullis-client-id"]).toBeUndefined();
    expect(forwarded.headers["x-portcullis-client-roles"]).toBeUndefined();
    expect(forwarded.headers["x-user-id"]).toBe(member.user_id);
  });
});

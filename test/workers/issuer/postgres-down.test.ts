/**
 * The issuer with Postgres really stopped: its Neon endpoint is an address the
 * test takes away (connections refused), or stops after N requests, so the
 * connection is cut in the middle of a sign-in.
 */
import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { sql } from "drizzle-orm";
import { describe, expect, inject, it } from "vitest";
import { createDatabase } from "../../../shared/adapters/neon/database";
import { createIssuerApp } from "../../../workers/issuer/app";
import { issuerDeps } from "../../../workers/issuer/deps";
import { whileDown } from "../../support/dependency-switch";
import { adminFetch, createTenant, expectError, freshIp, freshPhone, jsonRequest, latestCode, requestCode, signIn, verifyCode, withBearer } from "./support/issuer-client";
import { runCron } from "./support/cron";

const db = createDatabase({ url: env.DATABASE_URL, fetchEndpoint: env.NEON_FETCH_ENDPOINT });
const app = createIssuerApp(issuerDeps);
const switchableEnv = { ...env, NEON_FETCH_ENDPOINT: inject("switchableNeonFetchEndpoint") };
const neonControl = inject("neonControlUrl");
const admin = { Authorization: `Bearer ${env.ADMIN_TOKEN}` };

/** Calls the issuer over the switchable Neon endpoint, waiting for its audit writes like the runtime does. */
async function call(path: string, init: RequestInit = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await app.request(path, init, switchableEnv, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

async function expectUnavailable(response: Response): Promise<void> {
  const text = await response.clone().text();
  await expectError(response, 503, "service_unavailable");
  expect(Number(response.headers.get("Retry-After"))).toBeGreaterThan(0);
  expect(text).not.toMatch(/127\.0\.0\.1|select |insert |update |at .*\.ts/i);
}

async function count(query: ReturnType<typeof sql>): Promise<number> {
  const result = await db.execute<{ n: number }>(query);
  return result.rows[0]?.n ?? -1;
}

describe("Postgres stopped", () => {
  it("answers sign-in, refresh and every admin write with 503 and Retry-After, reports unhealthy, and writes nothing", async () => {
    const tenant = await createTenant();
    const session = await signIn(tenant);
    const key = await (await adminFetch(`/api/admin/tenants/${tenant.tenant_id}/keys`, { method: "POST" })).json<{ key_id: string }>();
    const auth = { "x-api-key": tenant.api_key, "CF-Connecting-IP": freshIp() };
    const slug = `down-${crypto.randomUUID().slice(0, 8)}`;

    await whileDown(neonControl, async () => {
      const health = await call("/health");
      expect(health.status).toBe(503);
      expect(await health.json()).toMatchObject({ status: "unhealthy", checks: { database: "down", keys: "down" } });

      await expectUnavailable(await call("/api/auth/request", jsonRequest("POST", { phone: freshPhone() }, auth)));
      await expectUnavailable(await call("/api/auth/verify", jsonRequest("POST", { phone: session.phone, code: "123456" }, auth)));
      await expectUnavailable(await call("/api/auth/refresh", jsonRequest("POST", { refresh_token: session.refresh_token }, auth)));
      await expectUnavailable(await call("/api/admin/tenants", jsonRequest("POST", { name: "Down", slug }, admin)));
      await expectUnavailable(await call(`/api/admin/tenants/${tenant.tenant_id}`, jsonRequest("PATCH", { name: "Renamed while down" }, admin)));
      await expectUnavailable(await call(`/api/admin/tenants/${tenant.tenant_id}/keys`, { method: "POST", headers: admin }));
      await expectUnavailable(await call(`/api/admin/tenants/${tenant.tenant_id}/keys/${key.key_id}`, { method: "DELETE", headers: admin }));
      await expectUnavailable(await call(`/api/admin/users/${session.user_id}`, jsonRequest("PATCH", { roles: ["admin"] }, admin)));
      await expectUnavailable(await call(`/api/admin/users/${session.user_id}/revoke-sessions`, { method: "POST", headers: admin }));
      await expectUnavailable(await call(`/api/admin/users/${session.user_id}`, { method: "DELETE", headers: admin }));
    });

    // Back up: every refused write left things as they were.
    expect((await call("/health")).status).toBe(200);
    expect(await count(sql`select count(*)::int as n from tenants where slug = ${slug}`)).toBe(0);
    const unchanged = await (await adminFetch(`/api/admin/tenants/${tenant.tenant_id}`)).json<{ name: string }>();
    expect(unchanged.name).not.toBe("Renamed while down");
    expect(await count(sql`select count(*)::int as n from tenant_keys where tenant_id = ${tenant.tenant_id}`)).toBe(2);
    const user = await (await adminFetch(`/api/admin/users/${session.user_id}`)).json<{ roles: string[] }>();
    expect(user.roles).not.toContain("admin");
    expect((await call("/api/auth/me", withBearer(session.token))).status).toBe(200);
    // The refresh token was not used up by the refused refresh.
    const refreshed = await call("/api/auth/refresh", jsonRequest("POST", { refresh_token: session.refresh_token }, auth));
    expect(refreshed.status).toBe(200);
  });

  it("cut anywhere in a verify, leaves no half-written session and no unaudited one; the phone can sign in again", async () => {
    const tenant = await createTenant();
    const cutPhones: string[] = [];
    for (let requestsAllowed = 0; ; requestsAllowed += 1) {
      const phone = freshPhone();
      expect((await requestCode(tenant.api_key, phone)).status).toBe(202);
      const code = await latestCode(phone);
      const verify = await whileDown(neonControl, () => call("/api/auth/verify", jsonRequest("POST", { phone, code }, { "x-api-key": tenant.api_key, "CF-Connecting-IP": freshIp() })), `down-after/${requestsAllowed}`);
      if (verify.status === 200) break;
      await expectUnavailable(verify);
      cutPhones.push(phone);
      expect(cutPhones.length, "a verify needs only a handful of database round trips").toBeLessThan(20);
    }
    expect(cutPhones.length).toBeGreaterThan(0);

    // Exactly one session came out of all the attempts, complete with its refresh token.
    expect(await count(sql`select count(*)::int as n from users where tenant_id = ${tenant.tenant_id}`)).toBe(1);
    expect(await count(sql`select count(*)::int as n from sessions where tenant_id = ${tenant.tenant_id}`)).toBe(1);
    expect(await count(sql`select count(*)::int as n from sessions s where s.tenant_id = ${tenant.tenant_id} and not exists (select 1 from refresh_tokens r where r.session_id = s.id)`)).toBe(0);
    // The first verify to get through was cut right after its session: its audit event waited in the spool.
    const signedIn = sql`select count(*)::int as n from audit_events where tenant_id = ${tenant.tenant_id} and type = 'auth.signed_in'`;
    expect(await count(signedIn)).toBe(0);
    await runCron();
    expect(await count(signedIn), "the acknowledged sign-in has its audit event").toBe(1);

    // A cut verify never leaves a phone locked out.
    for (const phone of cutPhones) await signIn(tenant, phone);
    expect(await count(sql`select count(*)::int as n from sessions where tenant_id = ${tenant.tenant_id}`)).toBe(1 + cutPhones.length);
  });

  it("a tenant created while Postgres stops mid-request exists whole, with its audit event, or not at all", async () => {
    const created: string[] = [];
    for (let requestsAllowed = 0; requestsAllowed < 4; requestsAllowed += 1) {
      const slug = `cut-${requestsAllowed}-${crypto.randomUUID().slice(0, 8)}`;
      const response = await whileDown(neonControl, () => call("/api/admin/tenants", jsonRequest("POST", { name: "Cut", slug }, admin)), `down-after/${requestsAllowed}`);
      const rows = await db.execute<{ id: string; keys: number }>(sql`select t.id, (select count(*)::int from tenant_keys k where k.tenant_id = t.id) as keys from tenants t where t.slug = ${slug}`);
      if (response.status === 201) {
        const { tenant_id } = await response.json<{ tenant_id: string }>();
        expect(rows.rows).toEqual([{ id: tenant_id, keys: 1 }]);
        created.push(tenant_id);
      } else {
        await expectUnavailable(response);
        expect(rows.rows).toEqual([]);
      }
    }
    expect(created.length).toBeGreaterThan(0);
    await runCron();
    for (const tenantId of created) {
      expect(await count(sql`select count(*)::int as n from audit_events where tenant_id = ${tenantId} and type = 'tenant.created'`)).toBe(1);
    }
  });

  it("verifies with a verify that comes back after the cut", async () => {
    // The code of a request whose verify was refused (Postgres down before anything was read) still works.
    const tenant = await createTenant();
    const phone = freshPhone();
    expect((await requestCode(tenant.api_key, phone)).status).toBe(202);
    const code = await latestCode(phone);
    await whileDown(neonControl, async () => expectUnavailable(await call("/api/auth/verify", jsonRequest("POST", { phone, code }, { "x-api-key": tenant.api_key, "CF-Connecting-IP": freshIp() }))));
    expect((await verifyCode(tenant.api_key, phone, code)).status).toBe(200);
  });
});

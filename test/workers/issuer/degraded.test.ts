/**
 * The issuer with Upstash really stopped: behind a switchable endpoint the
 * test turns off (Postgres stopped: postgres-down.test.ts).
 */
import { Redis } from "@upstash/redis/cloudflare";
import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { sql } from "drizzle-orm";
import { describe, expect, inject, it } from "vitest";
import { createDatabase } from "../../../shared/adapters/neon/database";
import { sessionKey } from "../../../shared/domain/revocation-entries";
import { createIssuerApp } from "../../../workers/issuer/app";
import { issuerDeps } from "../../../workers/issuer/deps";
import { switchDependency } from "../../support/dependency-switch";
import { createTenant, decodeJwtPart, expectError, freshIp, freshPhone, jsonRequest, latestCode, signIn, withBearer, type SignedIn, type TokenPairBody } from "./support/issuer-client";
import { runCron } from "./support/cron";

const db = createDatabase({ url: env.DATABASE_URL, fetchEndpoint: env.NEON_FETCH_ENDPOINT });
const redis = new Redis({ url: env.UPSTASH_REDIS_REST_URL, token: env.UPSTASH_REDIS_REST_TOKEN });

function upstash(state: "up" | "down"): Promise<void> {
  return switchDependency(inject("upstashControlUrl"), state);
}

describe("Upstash stopped", () => {
  const switchableEnv = { ...env, UPSTASH_REDIS_REST_URL: inject("switchableUpstashUrl") };
  const app = createIssuerApp(issuerDeps);

  /** The issuer over the switchable Upstash endpoint, waiting for its audit writes as the runtime does. */
  async function call(path: string, init: RequestInit): Promise<Response> {
    const ctx = createExecutionContext();
    const response = await app.request(path, init, switchableEnv, ctx);
    await waitOnExecutionContext(ctx);
    return response;
  }

  it("still acknowledges a logout, keeps it in the outbox, and publishes it when Upstash is back", async () => {
    const tenant = await createTenant();
    const session = await signIn(tenant);
    const sid = decodeJwtPart(session.token, 1).sid as string;
    await upstash("down");
    try {
      const health = await app.request("/health", {}, switchableEnv);
      expect(health.status).toBe(207);
      const ctx = createExecutionContext();
      const logout = await app.request("/api/auth/logout", { method: "POST", headers: { Authorization: `Bearer ${session.token}`, "CF-Connecting-IP": freshIp() } }, switchableEnv, ctx);
      await waitOnExecutionContext(ctx);
      expect(logout.status).toBe(204);
      const queued = await db.execute<{ n: number }>(sql`select count(*)::int as n from revocation_outbox where subject_id = ${sid}`);
      expect(queued.rows[0]?.n).toBe(1);
      // Postgres is the record: the issuer already refuses the token.
      expect((await app.request("/api/auth/me", { headers: { Authorization: `Bearer ${session.token}` } }, switchableEnv)).status).toBe(401);
    } finally {
      await upstash("up");
    }
    // The cron trigger drains the outbox.
    await runCron(switchableEnv);
    expect(await redis.get(sessionKey(sid))).not.toBeNull();
    const left = await db.execute<{ n: number }>(sql`select count(*)::int as n from revocation_outbox where subject_id = ${sid}`);
    expect(left.rows[0]?.n).toBe(0);
  });

  it("keeps signing people in: request, verify, /me, refresh and logout all work without Redis", async () => {
    const tenant = await createTenant();
    const phone = freshPhone();
    const apiKey = { "x-api-key": tenant.api_key };
    let sid = "";
    await upstash("down");
    try {
      // Sign-in: the code goes out and verifies (202, then 200 with a token pair).
      const requested = await call("/api/auth/request", jsonRequest("POST", { phone }, { ...apiKey, "CF-Connecting-IP": freshIp() }));
      expect(requested.status, await requested.clone().text()).toBe(202);
      const verified = await call("/api/auth/verify", jsonRequest("POST", { phone, code: await latestCode(phone) }, { ...apiKey, "CF-Connecting-IP": freshIp() }));
      expect(verified.status, await verified.clone().text()).toBe(200);
      const session = await verified.json<SignedIn>();
      expect(session).toMatchObject({ verified: true, token_type: "Bearer", is_new_user: true });
      sid = decodeJwtPart(session.token, 1).sid as string;
      const me = await call("/api/auth/me", withBearer(session.token));
      expect(me.status).toBe(200);
      expect(await me.json()).toMatchObject({ user_id: session.user_id, phone });

      // Refresh: a new pair, and the old refresh token is spent.
      const refreshed = await call("/api/auth/refresh", jsonRequest("POST", { refresh_token: session.refresh_token }, { ...apiKey, "CF-Connecting-IP": freshIp() }));
      expect(refreshed.status, await refreshed.clone().text()).toBe(200);
      const pair = await refreshed.json<TokenPairBody>();
      expect(pair.refresh_token).not.toBe(session.refresh_token);
      expect(decodeJwtPart(pair.token, 1).sid).toBe(sid);

      // Logout: acknowledged, queued for Upstash, and the issuer refuses the session at once.
      const logout = await call("/api/auth/logout", withBearer(pair.token, { method: "POST" }));
      expect(logout.status).toBe(204);
      const queued = await db.execute<{ n: number }>(sql`select count(*)::int as n from revocation_outbox where subject_id = ${sid}`);
      expect(queued.rows[0]?.n).toBe(1);
      await expectError(await call("/api/auth/me", withBearer(pair.token)), 401, "invalid_token");
      await expectError(await call("/api/auth/refresh", jsonRequest("POST", { refresh_token: pair.refresh_token }, { ...apiKey, "CF-Connecting-IP": freshIp() })), 401, "invalid_grant");
    } finally {
      await upstash("up");
    }
    await runCron(switchableEnv);
    expect(await redis.get(sessionKey(sid))).not.toBeNull();
  });
});

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
import { createTenant, decodeJwtPart, freshIp, freshPhone, jsonRequest, signIn } from "./support/issuer-client";
import { runCron } from "./support/cron";

const db = createDatabase({ url: env.DATABASE_URL, fetchEndpoint: env.NEON_FETCH_ENDPOINT });
const redis = new Redis({ url: env.UPSTASH_REDIS_REST_URL, token: env.UPSTASH_REDIS_REST_TOKEN });

function upstash(state: "up" | "down"): Promise<void> {
  return switchDependency(inject("upstashControlUrl"), state);
}

describe("Upstash stopped", () => {
  const switchableEnv = { ...env, UPSTASH_REDIS_REST_URL: inject("switchableUpstashUrl") };
  const app = createIssuerApp(issuerDeps);

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

  it("keeps signing people in: codes, sessions and tokens do not need Redis", async () => {
    const tenant = await createTenant();
    await upstash("down");
    try {
      const phone = freshPhone();
      const requested = await app.request("/api/auth/request", jsonRequest("POST", { phone }, { "x-api-key": tenant.api_key, "CF-Connecting-IP": freshIp() }), switchableEnv);
      expect(requested.status).toBe(202);
    } finally {
      await upstash("up");
    }
  });
});

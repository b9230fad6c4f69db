import { env } from "cloudflare:workers";
import { describe, expect, inject, it } from "vitest";
import { createRedis } from "../../../shared/adapters/upstash/redis-client";
import { REVOCATION_LOG_KEY } from "../../../shared/domain/revocation-entries";
import { switchDependency } from "../../support/dependency-switch";
import { createTenant, isolatedGate, issuerCall, logout, signIn } from "./support/gate-stack";

const SYNC_MS = 100;

function call(gate: ReturnType<typeof isolatedGate>, token: string, path = "/api/things"): Promise<Response> {
  return gate.request(path, { headers: { Authorization: `Bearer ${token}` } });
}

async function eventually(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe("revocation at the gate", () => {
  // The bound itself (two sync intervals) is checked instant by instant under the snapshot's clock in revocation-snapshot.test.ts.
  it("refuses a logged-out session's token once its snapshot syncs, and from then on", async () => {
    const gate = isolatedGate({ REVOCATION_SYNC_MS: String(SYNC_MS) });
    const session = await signIn(await createTenant());
    expect((await call(gate, session.token)).status).toBe(200);
    await logout(session.token);
    await eventually(async () => (await call(gate, session.token)).status === 401);
    expect((await call(gate, session.token)).status).toBe(401);
  });

  it("refuses every token of a user after logout-all, and accepts a new sign-in", async () => {
    const gate = isolatedGate({ REVOCATION_SYNC_MS: String(SYNC_MS) });
    const tenant = await createTenant();
    const first = await signIn(tenant);
    const second = await signIn(tenant, first.phone);
    const response = await issuerCall("/api/auth/logout-all", { method: "POST", headers: { Authorization: `Bearer ${second.token}` } });
    expect(response.status).toBe(204);
    await eventually(async () => (await call(gate, first.token)).status === 401 && (await call(gate, second.token)).status === 401);
    const third = await signIn(tenant, first.phone);
    expect((await call(gate, third.token)).status).toBe(200);
  });

  it("in strict mode, refuses at once with no snapshot", async () => {
    const gate = isolatedGate({ GATE_REVOCATION_MODE: "strict" });
    const session = await signIn(await createTenant());
    expect((await call(gate, session.token)).status).toBe(200);
    await logout(session.token);
    expect((await call(gate, session.token)).status).toBe(401);
  });

  it("holds a read-only Upstash token by default: a compromised gate cannot delete revocations", async () => {
    const redis = createRedis({ url: env.UPSTASH_REDIS_REST_URL, token: env.UPSTASH_REDIS_REST_TOKEN });
    expect(Array.isArray(await redis.zrange(REVOCATION_LOG_KEY, 0, 0))).toBe(true);
    await expect(redis.del(REVOCATION_LOG_KEY)).rejects.toThrow(/NOPERM/);
    await expect(redis.zremrangebyscore(REVOCATION_LOG_KEY, 0, "+inf")).rejects.toThrow(/NOPERM/);
  });

  it("makes no Upstash request per call in the steady state", async () => {
    const gate = isolatedGate({ REVOCATION_SYNC_MS: "60000" });
    const session = await signIn(await createTenant());
    await call(gate, session.token);
    const syncs = gate.deps.revocations.counters.syncs;
    for (let index = 0; index < 20; index += 1) expect((await call(gate, session.token)).status).toBe(200);
    expect(gate.deps.revocations.counters.syncs).toBe(syncs);
  });
});

function upstash(state: "up" | "down"): Promise<void> {
  return switchDependency(inject("upstashControlUrl"), state);
}

describe("when Upstash is stopped", () => {
  it("keeps the last snapshot: revoked stays revoked, live tokens pass, sensitive routes answer 503, health is degraded", async () => {
    const tenant = await createTenant();
    const revoked = await signIn(tenant);
    const live = await signIn(tenant);
    await logout(revoked.token);

    const policy = JSON.stringify([{ path: "/payments/*", sensitive: true }]);
    const gate = isolatedGate({ REVOCATION_SYNC_MS: String(SYNC_MS), GATE_POLICY: policy, UPSTASH_REDIS_REST_URL: inject("switchableUpstashUrl") });
    expect((await call(gate, revoked.token)).status).toBe(401);
    expect((await call(gate, live.token)).status).toBe(200);
    expect((await call(gate, live.token, "/payments/charge")).status).toBe(200);

    await upstash("down");
    try {
      await new Promise((resolve) => setTimeout(resolve, 3 * SYNC_MS));
      expect((await call(gate, revoked.token)).status).toBe(401);
      expect((await call(gate, live.token)).status).toBe(200);
      const sensitive = await call(gate, live.token, "/payments/charge");
      expect(sensitive.status).toBe(503);
      expect(Number(sensitive.headers.get("Retry-After"))).toBeGreaterThan(0);
      const health = await gate.request("/__gate/health");
      expect(health.status).toBe(207);
      expect(await health.json()).toEqual({ status: "degraded", checks: { jwks: "up", revocation: "down" } });
    } finally {
      await upstash("up");
    }
    // Back up: the next sync catches up and sensitive routes are served again.
    await eventually(async () => (await call(gate, live.token, "/payments/charge")).status === 200);
    expect((await (await gate.request("/__gate/health")).json())).toMatchObject({ status: "healthy" });
  });

  it("an isolate that never synced answers 503 on every protected route rather than serve with an empty list", async () => {
    const tenant = await createTenant();
    const revoked = await signIn(tenant);
    await logout(revoked.token);
    await upstash("down");
    try {
      const gate = isolatedGate({ REVOCATION_SYNC_MS: String(SYNC_MS), UPSTASH_REDIS_REST_URL: inject("switchableUpstashUrl") });
      const response = await call(gate, revoked.token);
      expect(response.status).toBe(503);
      expect(Number(response.headers.get("Retry-After"))).toBeGreaterThan(0);
    } finally {
      await upstash("up");
    }
  });

  it("in strict mode, answers 503 rather than guess", async () => {
    const gate = isolatedGate({ GATE_REVOCATION_MODE: "strict", UPSTASH_REDIS_REST_URL: inject("switchableUpstashUrl") });
    const session = await signIn(await createTenant());
    expect((await call(gate, session.token)).status).toBe(200);
    await upstash("down");
    try {
      expect((await call(gate, session.token)).status).toBe(503);
    } finally {
      await upstash("up");
    }
  });
});

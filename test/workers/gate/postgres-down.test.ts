/**
 * The gate with Postgres really stopped: the issuer beside it loses its
 * database, and the gate keeps validating from the keys it has (memory, KV)
 * and the revocation list in Upstash.
 */
import { describe, expect, inject, it } from "vitest";
import { whileDown } from "../../support/dependency-switch";
import { createTenant, isolatedGate, issuerCall, logout, signIn } from "./support/gate-stack";

const SYNC_MS = 100;

describe("Postgres stopped", () => {
  it("does not stop the gate: live tokens pass and revoked ones are refused, in a warm and in a fresh isolate", async () => {
    const tenant = await createTenant();
    const live = await signIn(tenant);
    const revoked = await signIn(tenant);
    await logout(revoked.token);
    const warm = isolatedGate({ REVOCATION_SYNC_MS: String(SYNC_MS) });
    const call = (gate: typeof warm, token: string) => gate.request("/api/things", { headers: { Authorization: `Bearer ${token}` } });
    expect((await call(warm, live.token)).status).toBe(200);

    await whileDown(inject("neonControlUrl"), async () => {
      const issuerHealth = await issuerCall("/health");
      expect(issuerHealth.status).toBe(503);
      expect((await issuerCall("/api/auth/refresh", { method: "POST", headers: { "Content-Type": "application/json", "x-api-key": tenant.api_key }, body: JSON.stringify({ refresh_token: live.refresh_token }) })).status).toBe(503);

      const fresh = isolatedGate({ REVOCATION_SYNC_MS: String(SYNC_MS) });
      for (const gate of [warm, fresh]) {
        expect((await call(gate, live.token)).status).toBe(200);
        expect((await call(gate, revoked.token)).status).toBe(401);
        const health = await gate.request("/__gate/health");
        expect(health.status).toBe(200);
        expect(await health.json()).toEqual({ status: "healthy", checks: { jwks: "up", revocation: "up" } });
      }
    });
  });
});

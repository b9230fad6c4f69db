import { env } from "cloudflare:workers";
import { describe, expect, inject, it } from "vitest";
import { createTenant, decodePayload, isolatedGate, issuerCall, signIn } from "./support/gate-stack";

function kidOf(token: string): string {
  const header = token.split(".")[0] ?? "";
  return (JSON.parse(atob(header.replace(/-/g, "+").replace(/_/g, "/"))) as { kid: string }).kid;
}

async function rotate(): Promise<{ current_kid: string; next_kid: string }> {
  const response = await issuerCall("/api/admin/keys/rotate", { method: "POST", headers: { Authorization: `Bearer ${inject("issuerBindings").ADMIN_TOKEN ?? ""}` } });
  expect(response.status).toBe(200);
  return response.json<{ current_kid: string; next_kid: string }>();
}

describe("key rotation seen from the gate", () => {
  it("never answers a false 401: tokens of the old and the new key both pass, before and after the gate refreshes", async () => {
    const gate = isolatedGate();
    const tenant = await createTenant();
    const before = await signIn(tenant);
    expect((await gate.request("/api/things", { headers: { Authorization: `Bearer ${before.token}` } })).status).toBe(200);

    const rotated = await rotate();
    const after = await signIn(tenant, before.phone);
    expect(kidOf(after.token)).toBe(rotated.current_kid);
    expect(kidOf(after.token)).not.toBe(kidOf(before.token));

    // The gate's memory predates the rotation; the new key was published as `next` before it signed.
    for (const token of [before.token, after.token]) {
      expect((await gate.request("/api/things", { headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);
    }
    // A fresh isolate that reads the rotated set from KV accepts both as well.
    const fresh = isolatedGate();
    for (const token of [before.token, after.token]) {
      expect((await fresh.request("/api/things", { headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);
    }
    expect(decodePayload(after.token).sub).toBe(before.user_id);
  });

  it("finds a key that is not in KV yet through the issuer, once", async () => {
    const tenant = await createTenant();
    const session = await signIn(tenant);
    // KV lags behind (eventual consistency): the gate falls back to the issuer over the service binding.
    await env.JWKS_KV.delete("jwks:v1");
    const gate = isolatedGate();
    expect((await gate.request("/api/things", { headers: { Authorization: `Bearer ${session.token}` } })).status).toBe(200);
    expect(gate.deps.jwks.counters.issuerFetches).toBe(1);
  });
});

/**
 * A withdrawn signing key (one that leaked) must stop working at the gate at
 * its next key sync, for tokens the gate verified before as much as for new
 * ones: the verified-token cache answers only while the token's key is live.
 */
import { env } from "cloudflare:workers";
import { describe, expect, inject, it } from "vitest";
import { JWKS_KV_KEY } from "../../../shared/adapters/kv/jwks-publisher";
import { JWKS_MAX_AGE_MS } from "../../../workers/gate/validation/jwks-cache";
import { createTenant, isolatedGate, issuerCall, signIn } from "./support/gate-stack";

function kidOf(token: string): string {
  const header = token.split(".")[0] ?? "";
  return (JSON.parse(atob(header.replace(/-/g, "+").replace(/_/g, "/"))) as { kid: string }).kid;
}

async function withdraw(kid: string): Promise<void> {
  const response = await issuerCall(`/api/admin/keys/${kid}/withdraw`, { method: "POST", headers: { Authorization: `Bearer ${inject("issuerBindings").ADMIN_TOKEN ?? ""}` } });
  expect(response.status, await response.clone().text()).toBe(200);
}

const bearer = (token: string) => ({ headers: { Authorization: `Bearer ${token}` } });

describe("withdrawing a signing key, seen from the gate", () => {
  it("refuses a token it verified before the withdrawal, from its cache, at the next key sync", async () => {
    const session = await signIn(await createTenant());
    const gate = isolatedGate();
    // Verified once: from now on the gate answers this token from its verified-token cache.
    expect((await gate.request("/api/things", bearer(session.token))).status).toBe(200);
    expect((await gate.request("/api/things", bearer(session.token))).status).toBe(200);

    expect(gate.deps.verified.size).toBe(1);

    const staleCopy = await env.JWKS_KV.get(JWKS_KV_KEY);
    await withdraw(kidOf(session.token));
    await gate.deps.jwks.sync(Date.now());
    // Evicted at the sync, before any request asks for it.
    expect(gate.deps.verified.size).toBe(0);

    const refused = await gate.request("/api/things", bearer(session.token));
    expect(refused.status).toBe(401);
    expect(refused.headers.get("WWW-Authenticate")).toMatch(/error="invalid_token"/);
    expect(gate.deps.jwks.isLive(kidOf(session.token))).toBe(false);

    // KV is eventually consistent: an older copy of the set, read later, does not bring the key back.
    const current = await env.JWKS_KV.get(JWKS_KV_KEY);
    await env.JWKS_KV.put(JWKS_KV_KEY, staleCopy ?? "");
    await gate.deps.jwks.sync(Date.now() + 1);
    await env.JWKS_KV.put(JWKS_KV_KEY, current ?? "");
    expect((await gate.request("/api/things", bearer(session.token))).status).toBe(401);

    // New tokens, signed by the key promoted in its place, pass.
    const fresh = await signIn(await createTenant());
    expect(kidOf(fresh.token)).not.toBe(kidOf(session.token));
    expect((await gate.request("/api/things", bearer(fresh.token))).status).toBe(200);
  });

  it("syncs on a cached token too: once the key set is too old, the request waits for KV and a withdrawn key ends there", async () => {
    const session = await signIn(await createTenant());
    const gate = isolatedGate();
    const header = `Bearer ${session.token}`;
    const background = (work: Promise<unknown>) => void work;
    const start = Date.now();
    expect((await gate.deps.tokens.authenticate(header, start, background)).kind).toBe("token");

    await withdraw(kidOf(session.token));
    const reads = gate.deps.jwks.counters.kvReads;
    // No explicit sync: a request on a key set older than JWKS_MAX_AGE_MS reads KV before it answers.
    const later = await gate.deps.tokens.authenticate(header, start + JWKS_MAX_AGE_MS + 1_000, background);
    expect(later).toEqual({ kind: "rejected", rejection: "unknown_kid" });
    expect(gate.deps.jwks.counters.kvReads).toBe(reads + 1);
  });
});

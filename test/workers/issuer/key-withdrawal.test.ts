import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { JWKS_KV_KEY } from "../../../shared/adapters/kv/jwks-publisher";
import { adminFetch, createTenant, decodeJwtPart, expectError, issuerFetch, signIn, withBearer } from "./support/issuer-client";

interface Withdrawal {
  readonly withdrawn_kid: string;
  readonly current_kid: string;
  readonly next_kid: string;
}

async function jwksKids(): Promise<string[]> {
  const jwks = (await (await issuerFetch("/.well-known/jwks.json")).json<{ keys: { kid: string }[] }>());
  return jwks.keys.map((key) => key.kid);
}

function withdraw(kid: string, init: RequestInit = {}): Promise<Response> {
  return adminFetch(`/api/admin/keys/${kid}/withdraw`, { method: "POST", ...init });
}

describe("POST /api/admin/keys/{kid}/withdraw", () => {
  it("takes a leaked current key out of use at once: out of the JWKS, listed withdrawn for the gates, never signing again, its tokens refused", async () => {
    const tenant = await createTenant();
    const before = await signIn(tenant);
    const leaked = String(decodeJwtPart(before.token, 0).kid);
    const kidsBefore = await jwksKids();
    expect(kidsBefore).toContain(leaked);

    const response = await withdraw(leaked);
    expect(response.status, await response.clone().text()).toBe(200);
    const withdrawal = await response.json<Withdrawal>();
    expect(withdrawal.withdrawn_kid).toBe(leaked);
    // The next key, published before the withdrawal, signs from now on; a fresh next key is published.
    expect(kidsBefore).toContain(withdrawal.current_kid);
    expect(kidsBefore).not.toContain(withdrawal.next_kid);

    expect(await jwksKids()).not.toContain(leaked);
    const inKv = await env.JWKS_KV.get<{ keys: { kid: string }[]; withdrawn: string[] }>(JWKS_KV_KEY, "json");
    expect(inKv?.keys.map((key) => key.kid)).not.toContain(leaked);
    expect(inKv?.withdrawn).toContain(leaked);

    await expectError(await issuerFetch("/api/auth/me", withBearer(before.token)), 401, "invalid_token");
    const after = await signIn(tenant, before.phone);
    expect(decodeJwtPart(after.token, 0).kid).toBe(withdrawal.current_kid);
    expect((await issuerFetch("/api/auth/me", withBearer(after.token))).status).toBe(200);
  });

  it("withdraws the next key too, replacing it, and a second withdrawal of the same key changes nothing", async () => {
    const kids = await jwksKids();
    const [, next] = kids;
    expect(next).toBeDefined();
    const first = await (await withdraw(next ?? "")).json<Withdrawal>();
    expect(first.next_kid).not.toBe(next);
    expect(await jwksKids()).not.toContain(next);
    const again = await withdraw(next ?? "");
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(first);
  });

  it("answers 404 not_found for a kid it never had or that is not a kid", async () => {
    await expectError(await withdraw("key_0000000000000000000000000a"), 404, "not_found");
    await expectError(await withdraw("..%2F..%2Fetc"), 404, "not_found");
  });

  it("needs the admin token and takes no body", async () => {
    const [current] = await jwksKids();
    await expectError(await issuerFetch(`/api/admin/keys/${current ?? ""}/withdraw`, { method: "POST" }), 401, "unauthorized");
    await expectError(await withdraw(current ?? "", { body: '{"now":true}', headers: { "Content-Type": "application/json" } }), 400, "invalid_request");
    expect(await jwksKids()).toContain(current);
  });
});

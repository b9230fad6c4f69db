import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { JWKS_KV_KEY } from "../../../shared/adapters/kv/jwks-publisher";
import { issuerDeps } from "../../../workers/issuer/deps";
import { adminFetch, createTenant, decodeJwtPart, expectError, issuerFetch, jsonRequest, signIn, withBearer } from "./support/issuer-client";

async function jwksByAlg(): Promise<{ ES256: string[]; RS256: string[] }> {
  const jwks = (await (await issuerFetch("/.well-known/jwks.json")).json<{ keys: { kid: string; alg: string }[] }>());
  return { ES256: jwks.keys.filter((key) => key.alg === "ES256").map((key) => key.kid), RS256: jwks.keys.filter((key) => key.alg === "RS256").map((key) => key.kid) };
}

async function jwksKids(): Promise<string[]> {
  const jwks = (await (await issuerFetch("/.well-known/jwks.json")).json<{ keys: { kid: string }[] }>());
  return jwks.keys.map((key) => key.kid);
}

async function rotate(): Promise<{ current_kid: string; next_kid: string }> {
  const response = await adminFetch("/api/admin/keys/rotate", { method: "POST" });
  expect(response.status).toBe(200);
  return (await response.json<{ current_kid: string; next_kid: string }>());
}

describe("POST /api/admin/keys/rotate", () => {
  it("promotes the published next key, publishes a new next key, and keeps the old one while its tokens live", async () => {
    const tenant = await createTenant();
    const before = await signIn(tenant);
    const oldKid = decodeJwtPart(before.token, 0).kid as string;
    const published = await jwksKids();

    const rotated = await rotate();
    // A key signs only after it was published: the new current key was already in the JWKS.
    expect(published).toContain(rotated.current_kid);
    expect(rotated.current_kid).not.toBe(oldKid);
    const after = await jwksKids();
    expect(after).toEqual(expect.arrayContaining([oldKid, rotated.current_kid, rotated.next_kid]));
    const inKv = await env.JWKS_KV.get<{ keys: { kid: string }[] }>(JWKS_KV_KEY, "json");
    expect(inKv?.keys.map((key) => key.kid).sort()).toEqual([...after].sort());

    const fresh = await signIn(tenant, before.phone);
    expect(decodeJwtPart(fresh.token, 0).kid).toBe(rotated.current_kid);
    // Both tokens stay good.
    expect((await issuerFetch("/api/auth/me", withBearer(before.token))).status).toBe(200);
    expect((await issuerFetch("/api/auth/me", withBearer(fresh.token))).status).toBe(200);
    const introspected = await issuerFetch("/api/auth/introspect", withBearer(tenant.secret_key, jsonRequest("POST", { token: before.token })));
    expect(await introspected.json()).toMatchObject({ active: true });
  });

  it("rotates the RS256 id_token keys alongside: the published next RS256 key becomes current, the old one stays published", async () => {
    const deps = issuerDeps(env);
    const before = await jwksByAlg();
    const oldRsa = await deps.signingKeys.currentSigner({ alg: "RS256", fresh: true });
    await rotate();
    const rsa = await deps.signingKeys.currentSigner({ alg: "RS256", fresh: true });
    expect(rsa.kid).not.toBe(oldRsa.kid);
    expect(before.RS256).toContain(rsa.kid);
    const after = await jwksByAlg();
    expect(after.RS256).toEqual(expect.arrayContaining([oldRsa.kid, rsa.kid]));
    expect(after.RS256.filter((kid) => !before.RS256.includes(kid))).toHaveLength(1);
    // The access token keys never cross over.
    expect(after.ES256.some((kid) => after.RS256.includes(kid))).toBe(false);
  });

  it("answers each algorithm's new current and next kid, the contract's pair being the ES256 one", async () => {
    const deps = issuerDeps(env);
    const response = await adminFetch("/api/admin/keys/rotate", { method: "POST" });
    expect(response.status).toBe(200);
    const body = await response.json<{ current_kid: string; next_kid: string; algorithms: Record<string, { current_kid: string; next_kid: string }> }>();
    expect(Object.keys(body).sort()).toEqual(["algorithms", "current_kid", "next_kid"]);
    expect(Object.keys(body.algorithms).sort()).toEqual(["ES256", "RS256"]);
    expect(body.algorithms.ES256).toEqual({ current_kid: body.current_kid, next_kid: body.next_kid });
    expect(body.algorithms.RS256?.current_kid).toBe((await deps.signingKeys.currentSigner({ alg: "RS256", fresh: true })).kid);
    expect(body.algorithms.ES256?.current_kid).toBe((await deps.signingKeys.currentSigner({ fresh: true })).kid);
    const published = await jwksByAlg();
    expect(published.RS256).toEqual(expect.arrayContaining([body.algorithms.RS256?.current_kid, body.algorithms.RS256?.next_kid]));
  });

  it("withdraws an RS256 key without touching the ES256 keys", async () => {
    const deps = issuerDeps(env);
    const es256 = await deps.signingKeys.currentSigner({ fresh: true });
    const rsa = await deps.signingKeys.currentSigner({ alg: "RS256", fresh: true });
    const response = await adminFetch(`/api/admin/keys/${rsa.kid}/withdraw`, { method: "POST" });
    expect(response.status).toBe(200);
    const after = await jwksByAlg();
    expect(after.RS256).not.toContain(rsa.kid);
    expect(after.RS256.length).toBeGreaterThanOrEqual(2);
    expect((await deps.signingKeys.currentSigner({ fresh: true })).kid).toBe(es256.kid);
    expect((await deps.signingKeys.currentSigner({ alg: "RS256", fresh: true })).kid).not.toBe(rsa.kid);
  });

  it("refuses a body and needs the admin token", async () => {
    await expectError(await issuerFetch("/api/admin/keys/rotate", { method: "POST" }), 401, "unauthorized");
    await expectError(await adminFetch("/api/admin/keys/rotate", jsonRequest("POST", { force: true })), 400, "invalid_request");
  });

  it("answers 405 with Allow for a GET", async () => {
    const response = await adminFetch("/api/admin/keys/rotate");
    await expectError(response, 405, "method_not_allowed");
    expect(response.headers.get("Allow")).toBe("POST");
  });
});

import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { JWKS_KV_KEY, kvJwksPublisher } from "../../../shared/adapters/kv/jwks-publisher";
import { createDatabase } from "../../../shared/adapters/neon/database";
import { neonSigningKeyStore } from "../../../shared/adapters/neon/signing-key-store";
import { openSecret } from "../../../shared/crypto/key-encryption";
import { issuerDeps } from "../../../workers/issuer/deps";
import { SigningKeyService } from "../../../workers/issuer/services/signing-keys";
import { runCron } from "./support/cron";
import { issuerFetch } from "./support/issuer-client";

const db = createDatabase({ url: env.DATABASE_URL, fetchEndpoint: env.NEON_FETCH_ENDPOINT });

function isolateLikeService(): SigningKeyService {
  return new SigningKeyService({
    store: neonSigningKeyStore(db),
    publisher: kvJwksPublisher(env.JWKS_KV),
    keyEncryptionSecret: env.KEY_ENCRYPTION_SECRET,
    now: () => new Date(),
  });
}

async function keyCounts(alg: "ES256" | "RS256"): Promise<{ current: number; next: number }> {
  const result = await db.execute<{ state: string; count: string }>(sql`select state, count(*)::text as count from signing_keys where alg = ${alg} group by state`);
  const byState = Object.fromEntries(result.rows.map((row) => [row.state, Number(row.count)]));
  return { current: byState.current ?? 0, next: byState.next ?? 0 };
}

describe("GET /.well-known/jwks.json", () => {
  it("publishes the current and the next key of each algorithm as public ES256 and RS256 JWKs, cacheable", async () => {
    const response = await issuerFetch("/.well-known/jwks.json");
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toMatch(/max-age=\d+/);
    const jwks = (await response.json<{ keys: Record<string, unknown>[] }>());
    const es256 = jwks.keys.filter((key) => key.alg === "ES256");
    const rs256 = jwks.keys.filter((key) => key.alg === "RS256");
    expect(es256.length).toBeGreaterThanOrEqual(2);
    expect(rs256.length).toBeGreaterThanOrEqual(2);
    expect(es256.length + rs256.length).toBe(jwks.keys.length);
    for (const key of es256) expect(key).toEqual({ kty: "EC", crv: "P-256", x: expect.any(String), y: expect.any(String), kid: expect.stringMatching(/^key_/), alg: "ES256", use: "sig" });
    for (const key of rs256) {
      expect(key).toEqual({ kty: "RSA", n: expect.any(String), e: "AQAB", kid: expect.stringMatching(/^key_/), alg: "RS256", use: "sig" });
      // 2048-bit modulus: 256 bytes, 342 base64url characters.
      expect(key.n).toHaveLength(342);
    }
    for (const key of jwks.keys) for (const privatePart of ["d", "p", "q", "dp", "dq", "qi"]) expect(key).not.toHaveProperty(privatePart);
  });

  it("writes the same key set to KV for the gate", async () => {
    const served = (await (await issuerFetch("/.well-known/jwks.json")).json<{ keys: { kid: string }[] }>());
    const inKv = await env.JWKS_KV.get<{ keys: { kid: string }[] }>(JWKS_KV_KEY, "json");
    expect(inKv?.keys.map((key) => key.kid).sort()).toEqual(served.keys.map((key) => key.kid).sort());
  });
});

describe("signing key installation", () => {
  it("never mints two current keys when many isolates start at once (Postgres arbitrates)", async () => {
    await db.execute(sql`delete from signing_keys`);
    const services = Array.from({ length: 8 }, isolateLikeService);
    const results = await Promise.all(services.map((service) => service.currentSigner()));
    expect(new Set(results.map((signer) => signer.kid)).size).toBe(1);
    const rsa = await Promise.all(services.map((service) => service.currentSigner({ alg: "RS256" })));
    expect(new Set(rsa.map((signer) => signer.kid)).size).toBe(1);
    expect(await keyCounts("ES256")).toEqual({ current: 1, next: 1 });
    expect(await keyCounts("RS256")).toEqual({ current: 1, next: 1 });
  });

  it("stores the private half sealed under KEY_ENCRYPTION_SECRET, bound to its kid", async () => {
    await isolateLikeService().currentSigner();
    const rows = await db.execute<{ kid: string; encrypted_private_key: string }>(sql`select kid, encrypted_private_key from signing_keys where state = 'current' and alg = 'ES256'`);
    const row = rows.rows[0];
    expect(row?.encrypted_private_key).toMatch(/^v2\./);
    if (!row) return;
    const opened = await openSecret(env.KEY_ENCRYPTION_SECRET, "signing-key", row.encrypted_private_key, row.kid);
    expect(JSON.parse(opened ?? "{}")).toMatchObject({ kty: "EC", crv: "P-256", d: expect.any(String) });
    expect(await openSecret("another-secret-that-is-long-enough-0000", "signing-key", row.encrypted_private_key, row.kid)).toBeNull();
  });

  it("repairs a KV copy that does not match the database", async () => {
    await env.JWKS_KV.put(JWKS_KV_KEY, JSON.stringify({ keys: [{ kid: "key_stale" }] }));
    const keys = await isolateLikeService().publishedKeys();
    const inKv = await env.JWKS_KV.get<{ keys: { kid: string }[] }>(JWKS_KV_KEY, "json");
    expect(inKv?.keys.map((key) => key.kid).sort()).toEqual(keys.map((key) => key.kid).sort());
  });

  it("heals a JWKS write lost after the isolate's first check on the next cron run", async () => {
    // The isolate has already compared KV with the database once, so only the cron can notice.
    await issuerDeps(env).signingKeys.publishedKeys({ fresh: true });
    const expected = (await isolateLikeService().publishedKeys({ fresh: true })).map((key) => key.kid).sort();
    await env.JWKS_KV.put(JWKS_KV_KEY, JSON.stringify({ keys: [{ kid: expected[0] }] }));
    await runCron();
    const inKv = await env.JWKS_KV.get<{ keys: { kid: string }[] }>(JWKS_KV_KEY, "json");
    expect(inKv?.keys.map((key) => key.kid).sort()).toEqual(expected);
  });

  it("reports keys down when the secret cannot open the current key", async () => {
    await isolateLikeService().currentSigner();
    const wrongSecret = new SigningKeyService({
      store: neonSigningKeyStore(db),
      publisher: kvJwksPublisher(env.JWKS_KV),
      keyEncryptionSecret: "a-different-secret-that-is-long-enough-00",
      now: () => new Date(),
    });
    expect(await wrongSecret.keysUsable()).toBe(false);
    expect(await isolateLikeService().keysUsable()).toBe(true);
  });
});

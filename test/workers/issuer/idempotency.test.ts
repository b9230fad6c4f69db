/**
 * Admin writes with an Idempotency-Key: the same request again is answered from
 * the stored response without running, a different request under the key or one
 * racing it is refused, and a failed attempt frees the key.
 */
import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { describe, expect, inject, it } from "vitest";
import { createDatabase } from "../../../shared/adapters/neon/database";
import { createIssuerApp } from "../../../workers/issuer/app";
import { issuerDeps } from "../../../workers/issuer/deps";
import { idempotencyKeyHash } from "../../../workers/issuer/services/idempotency";
import { adminFetch, createTenant, expectError, freshPhone, issuerFetch, requestCode, type TenantCredentials } from "./support/issuer-client";
import { runCron } from "./support/cron";

const db = createDatabase({ url: env.DATABASE_URL, fetchEndpoint: env.NEON_FETCH_ENDPOINT });

type CreatedTenant = TenantCredentials & { name: string; slug: string };

function newKey(): string {
  return `idem-${crypto.randomUUID()}`;
}

function newSlug(): string {
  return `idem-${crypto.randomUUID().slice(0, 12)}`;
}

/** An admin request with an Idempotency-Key; a string body is sent byte for byte. */
function keyed(method: string, path: string, key: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { "Idempotency-Key": key };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  return adminFetch(path, { method, headers, ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }) });
}

async function count(query: ReturnType<typeof sql>): Promise<number> {
  const result = await db.execute<{ n: number }>(query);
  return result.rows[0]?.n ?? -1;
}

const tenantsWithSlug = (slug: string) => count(sql`select count(*)::int as n from tenants where slug = ${slug}`);
const auditEventsOf = (tenantId: string) => count(sql`select count(*)::int as n from audit_events where tenant_id = ${tenantId}`);

async function storedRecord(key: string): Promise<{ state: string; response_status: number | null; sealed_response: string | null; fingerprint: string; key_hash: string } | undefined> {
  const keyHash = await idempotencyKeyHash(env.ADMIN_TOKEN, key);
  const result = await db.execute<{ state: string; response_status: number | null; sealed_response: string | null; fingerprint: string; key_hash: string }>(
    sql`select state, response_status, sealed_response, fingerprint, key_hash from idempotency_keys where key_hash = ${keyHash}`,
  );
  return result.rows[0];
}

/** A record as a request that crashed (or is still running) would have left it. */
async function insertInProgress(key: string, lockedFor: "expired" | "live"): Promise<void> {
  const keyHash = await idempotencyKeyHash(env.ADMIN_TOKEN, key);
  const lockedUntil = lockedFor === "expired" ? sql`now() - interval '1 second'` : sql`now() + interval '60 seconds'`;
  await db.execute(sql`
    insert into idempotency_keys (key_hash, fingerprint, state, claim_id, locked_until, created_at, expires_at)
    values (${keyHash}, 'a-request-that-never-finished', 'in_progress', 'crashed-claim', ${lockedUntil}, now() - interval '2 minutes', now() + interval '23 hours')
  `);
}

describe("replaying the same request", () => {
  it("answers a repeated tenant creation with the first answer, the same keys, one tenant and one audit event", async () => {
    const key = newKey();
    const slug = newSlug();
    const first = await keyed("POST", "/api/admin/tenants", key, { name: "Once", slug });
    expect(first.status).toBe(201);
    expect(first.headers.get("Idempotent-Replayed")).toBeNull();
    const firstBody = await first.text();
    const created = JSON.parse(firstBody) as CreatedTenant;

    const again = await keyed("POST", "/api/admin/tenants", key, { name: "Once", slug });
    expect(again.status).toBe(201);
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    expect(again.headers.get("Content-Type")).toBe(first.headers.get("Content-Type"));
    expect(again.headers.get("X-Request-Id")).not.toBe(first.headers.get("X-Request-Id"));
    expect(await again.text()).toBe(firstBody);

    expect(await tenantsWithSlug(slug)).toBe(1);
    expect(await count(sql`select count(*)::int as n from tenant_keys where tenant_id = ${created.tenant_id}`)).toBe(1);
    expect(await auditEventsOf(created.tenant_id)).toBe(1);
    // The replayed keys are the tenant's real keys.
    expect((await requestCode(created.api_key, freshPhone())).status).toBe(202);
  });

  it("counts a JSON body by its value: other whitespace and key order replay", async () => {
    const key = newKey();
    const slug = newSlug();
    const first = await keyed("POST", "/api/admin/tenants", key, `{"name":"Order","slug":"${slug}","settings":{"otp_length":7,"max_otp_attempts":3}}`);
    expect(first.status).toBe(201);
    const reordered = await keyed("POST", "/api/admin/tenants", key, `{ "settings": { "max_otp_attempts": 3, "otp_length": 7 },\n  "slug": "${slug}", "name": "Order" }`);
    expect(reordered.status).toBe(201);
    expect(reordered.headers.get("Idempotent-Replayed")).toBe("true");
    expect(await reordered.text()).toBe(await first.text());
    expect(await tenantsWithSlug(slug)).toBe(1);
  });

  it("stores and replays a refusal: 409 slug_taken stays 409 for the key", async () => {
    const taken = await createTenant();
    const slug = ((await (await adminFetch(`/api/admin/tenants/${taken.tenant_id}`)).json<{ slug: string }>())).slug;
    const key = newKey();
    const first = await keyed("POST", "/api/admin/tenants", key, { name: "Late", slug });
    await expectError(first, 409, "slug_taken");
    const again = await keyed("POST", "/api/admin/tenants", key, { name: "Late", slug });
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    await expectError(again, 409, "slug_taken");
    expect((await storedRecord(key))?.response_status).toBe(409);
  });

  it("replays a new key pair instead of adding a second one", async () => {
    const tenant = await createTenant();
    const key = newKey();
    const first = await keyed("POST", `/api/admin/tenants/${tenant.tenant_id}/keys`, key);
    expect(first.status).toBe(201);
    const firstBody = await first.text();
    const again = await keyed("POST", `/api/admin/tenants/${tenant.tenant_id}/keys`, key);
    expect(again.status).toBe(201);
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    expect(await again.text()).toBe(firstBody);
    expect(await count(sql`select count(*)::int as n from tenant_keys where tenant_id = ${tenant.tenant_id}`)).toBe(2);
    expect(await count(sql`select count(*)::int as n from audit_events where tenant_id = ${tenant.tenant_id} and type = 'tenant.key_created'`)).toBe(1);
  });

  it("replays a 204 without a body", async () => {
    const tenant = await createTenant();
    const pair = await (await adminFetch(`/api/admin/tenants/${tenant.tenant_id}/keys`, { method: "POST" })).json<{ key_id: string }>();
    const key = newKey();
    const path = `/api/admin/tenants/${tenant.tenant_id}/keys/${pair.key_id}`;
    expect((await keyed("DELETE", path, key)).status).toBe(204);
    const again = await keyed("DELETE", path, key);
    expect(again.status).toBe(204);
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    expect(await again.text()).toBe("");
    // Without the key, the same delete runs again and finds nothing.
    await expectError(await adminFetch(path, { method: "DELETE" }), 404, "not_found");
    expect(await count(sql`select count(*)::int as n from audit_events where tenant_id = ${tenant.tenant_id} and type = 'tenant.key_deleted'`)).toBe(1);
  });

  it("rotates the signing keys once for a repeated rotation", async () => {
    const key = newKey();
    const first = await keyed("POST", "/api/admin/keys/rotate", key);
    expect(first.status).toBe(200);
    const rotated = await first.json<{ current_kid: string; next_kid: string }>();
    const again = await keyed("POST", "/api/admin/keys/rotate", key);
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    expect(await again.json()).toEqual(rotated);
    const states = await db.execute<{ kid: string; state: string }>(sql`select kid, state from signing_keys where alg = 'ES256' and state in ('current', 'next')`);
    expect(Object.fromEntries(states.rows.map((row) => [row.state, row.kid]))).toEqual({ current: rotated.current_kid, next: rotated.next_kid });
  });
});

describe("a key used for a different request", () => {
  it("refuses a different body with 422 idempotency_key_reused and writes nothing", async () => {
    const key = newKey();
    const created = await (await keyed("POST", "/api/admin/tenants", key, { name: "First", slug: newSlug() })).json<CreatedTenant>();
    const otherSlug = newSlug();
    const events = await count(sql`select count(*)::int as n from audit_events`);
    await expectError(await keyed("POST", "/api/admin/tenants", key, { name: "Second", slug: otherSlug }), 422, "idempotency_key_reused");
    expect(await tenantsWithSlug(otherSlug)).toBe(0);
    expect(await count(sql`select count(*)::int as n from audit_events`)).toBe(events);
    // The stored answer is untouched: the original request still replays.
    const replay = await keyed("POST", "/api/admin/tenants", key, { name: "First", slug: created.slug });
    expect(replay.headers.get("Idempotent-Replayed")).toBe("true");
    expect((await replay.json<CreatedTenant>()).tenant_id).toBe(created.tenant_id);
  });

  it("refuses the key on another path or method with 422, leaving the target unchanged", async () => {
    const key = newKey();
    const created = await (await keyed("POST", "/api/admin/tenants", key, { name: "Kept", slug: newSlug() })).json<CreatedTenant>();
    await expectError(await keyed("PATCH", `/api/admin/tenants/${created.tenant_id}`, key, { name: "Changed" }), 422, "idempotency_key_reused");
    await expectError(await keyed("POST", `/api/admin/tenants/${created.tenant_id}/keys`, key), 422, "idempotency_key_reused");
    await expectError(await keyed("POST", "/api/admin/tenants?dry_run=1", key, { name: "Kept", slug: created.slug }), 422, "idempotency_key_reused");
    const tenant = await (await adminFetch(`/api/admin/tenants/${created.tenant_id}`)).json<{ name: string }>();
    expect(tenant.name).toBe("Kept");
    expect(await count(sql`select count(*)::int as n from tenant_keys where tenant_id = ${created.tenant_id}`)).toBe(1);
  });

  it("keeps keys apart per admin credential: the same key under another admin token is a new request", async () => {
    const otherAdmin = { ...env, ADMIN_TOKEN: `other-admin-token-${crypto.randomUUID()}` };
    const app = createIssuerApp(issuerDeps);
    const key = newKey();
    const first = await keyed("POST", "/api/admin/tenants", key, { name: "Scope A", slug: newSlug() });
    expect(first.status).toBe(201);
    const slug = newSlug();
    const underOther = await app.request("/api/admin/tenants", {
      method: "POST",
      headers: { Authorization: `Bearer ${otherAdmin.ADMIN_TOKEN}`, "Content-Type": "application/json", "Idempotency-Key": key },
      body: JSON.stringify({ name: "Scope B", slug }),
    }, otherAdmin);
    expect(underOther.status).toBe(201);
    expect(underOther.headers.get("Idempotent-Replayed")).toBeNull();
    expect(await tenantsWithSlug(slug)).toBe(1);
  });
});

describe("concurrent duplicates", () => {
  const RACERS = 8;

  /** Every answer is the winner's 201, a replay of it, or 409 in use; exactly one ran. */
  async function expectOneWinner(responses: Response[]): Promise<CreatedTenant> {
    const answers = await Promise.all(responses.map(async (response) => ({ status: response.status, replayed: response.headers.get("Idempotent-Replayed"), retryAfter: response.headers.get("Retry-After"), text: await response.text() })));
    const ran = answers.filter((answer) => answer.status === 201 && answer.replayed === null);
    expect(ran, JSON.stringify(answers)).toHaveLength(1);
    const winner = ran[0]!;
    for (const answer of answers) {
      if (answer === winner) continue;
      if (answer.status === 201) {
        expect(answer.replayed).toBe("true");
        expect(answer.text).toBe(winner.text);
      } else {
        expect(answer.status, answer.text).toBe(409);
        expect((JSON.parse(answer.text) as { error: { code: string } }).error.code).toBe("idempotency_key_in_use");
        expect(answer.retryAfter).toBe("1");
      }
    }
    return JSON.parse(winner.text) as CreatedTenant;
  }

  it(`lets exactly one of ${RACERS} identical requests run`, async () => {
    const key = newKey();
    const slug = newSlug();
    const responses = await Promise.all(Array.from({ length: RACERS }, () => keyed("POST", "/api/admin/tenants", key, { name: "Race", slug })));
    const created = await expectOneWinner(responses);
    expect(await tenantsWithSlug(slug)).toBe(1);
    expect(await auditEventsOf(created.tenant_id)).toBe(1);
    const replay = await keyed("POST", "/api/admin/tenants", key, { name: "Race", slug });
    expect(replay.headers.get("Idempotent-Replayed")).toBe("true");
    expect((await replay.json<CreatedTenant>()).tenant_id).toBe(created.tenant_id);
  });

  it(`lets exactly one of ${RACERS} requests take over an abandoned claim`, async () => {
    const key = newKey();
    const slug = newSlug();
    await insertInProgress(key, "expired");
    const responses = await Promise.all(Array.from({ length: RACERS }, () => keyed("POST", "/api/admin/tenants", key, { name: "Takeover race", slug })));
    const created = await expectOneWinner(responses);
    expect(await tenantsWithSlug(slug)).toBe(1);
    expect(await auditEventsOf(created.tenant_id)).toBe(1);
  });

  it("answers 409 idempotency_key_in_use with Retry-After while the first request is still running", async () => {
    const key = newKey();
    await insertInProgress(key, "live");
    const slug = newSlug();
    const response = await keyed("POST", "/api/admin/tenants", key, { name: "Waiting", slug });
    await expectError(response, 409, "idempotency_key_in_use");
    expect(response.headers.get("Retry-After")).toBe("1");
    expect(await tenantsWithSlug(slug)).toBe(0);
    expect((await storedRecord(key))?.state).toBe("in_progress");
  });
});

describe("records that are no longer live", () => {
  it("takes over a claim abandoned by a request that crashed", async () => {
    const key = newKey();
    await insertInProgress(key, "expired");
    const slug = newSlug();
    const response = await keyed("POST", "/api/admin/tenants", key, { name: "Recovered", slug });
    expect(response.status).toBe(201);
    expect(response.headers.get("Idempotent-Replayed")).toBeNull();
    expect(await tenantsWithSlug(slug)).toBe(1);
    expect(await storedRecord(key)).toMatchObject({ state: "completed", response_status: 201 });
  });

  it("ignores an expired record, and the cron deletes it", async () => {
    const key = newKey();
    const keyHash = await idempotencyKeyHash(env.ADMIN_TOKEN, key);
    await db.execute(sql`
      insert into idempotency_keys (key_hash, fingerprint, state, claim_id, locked_until, response_status, sealed_response, created_at, expires_at)
      values (${keyHash}, 'another-request', 'completed', 'old-claim', now() - interval '25 hours', 201, 'v1.x.y', now() - interval '25 hours', now() - interval '1 hour')
    `);
    const slug = newSlug();
    const response = await keyed("POST", "/api/admin/tenants", key, { name: "After expiry", slug });
    expect(response.status).toBe(201);
    expect(response.headers.get("Idempotent-Replayed")).toBeNull();
    expect(await tenantsWithSlug(slug)).toBe(1);

    const stale = newKey();
    await db.execute(sql`
      insert into idempotency_keys (key_hash, fingerprint, state, claim_id, locked_until, created_at, expires_at)
      values (${await idempotencyKeyHash(env.ADMIN_TOKEN, stale)}, 'expired', 'completed', 'old', now() - interval '25 hours', now() - interval '25 hours', now() - interval '1 second')
    `);
    await runCron();
    expect(await storedRecord(stale)).toBeUndefined();
    expect(await count(sql`select count(*)::int as n from idempotency_keys where expires_at <= now()`)).toBe(0);
    expect((await storedRecord(key))?.state).toBe("completed");
  });
});

describe("what is stored", () => {
  it("keeps neither the key nor the issued secrets in clear", async () => {
    const key = newKey();
    const created = await (await keyed("POST", "/api/admin/tenants", key, { name: "Sealed", slug: newSlug() })).json<CreatedTenant>();
    const record = await storedRecord(key);
    expect(record).toMatchObject({ state: "completed", response_status: 201 });
    expect(record?.sealed_response).toMatch(/^v2\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    const everything = await db.execute<{ row: string }>(sql`select row_to_json(idempotency_keys)::text as row from idempotency_keys`);
    const dump = everything.rows.map((row) => row.row).join("\n");
    expect(dump).not.toContain(created.api_key);
    expect(dump).not.toContain(created.secret_key);
    expect(dump).not.toContain(key);
    expect(record?.key_hash).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe("a stored answer altered in the database", () => {
  it("is not replayed when its status was changed: a stored 409 refusal does not come back as a 201", async () => {
    const taken = await createTenant();
    const slug = ((await (await adminFetch(`/api/admin/tenants/${taken.tenant_id}`)).json<{ slug: string }>())).slug;
    const key = newKey();
    await expectError(await keyed("POST", "/api/admin/tenants", key, { name: "Forged", slug }), 409, "slug_taken");
    const keyHash = await idempotencyKeyHash(env.ADMIN_TOKEN, key);
    await db.execute(sql`update idempotency_keys set response_status = 201 where key_hash = ${keyHash}`);
    const again = await keyed("POST", "/api/admin/tenants", key, { name: "Forged", slug });
    expect(again.status).toBe(500);
    expect(again.headers.get("Idempotent-Replayed")).toBeNull();
  });
});

describe("key validation", () => {
  it.each([
    ["empty", ""],
    ["256 characters", "k".repeat(256)],
    ["non-ASCII", "cl\u00e9"],
    ["a control character", "a\u0001b"],
    ["a tab inside", "a\tb"],
    ["a space inside", "two words"],
    ["DEL", "a\u007fb"],
  ])("refuses a key that is %s with 400 invalid_request naming Idempotency-Key, and writes nothing", async (_label, key) => {
    const slug = newSlug();
    const body = await expectError(await keyed("POST", "/api/admin/tenants", key, { name: "Bad key", slug }), 400, "invalid_request");
    expect(body.error.field).toBe("Idempotency-Key");
    expect(await tenantsWithSlug(slug)).toBe(0);
  });

  it("accepts 255 visible ASCII characters", async () => {
    const key = `${newKey()}!~`.padEnd(255, "z");
    expect((await keyed("POST", "/api/admin/tenants", key, { name: "Long key", slug: newSlug() })).status).toBe(201);
  });

  it("checks the admin token before the key", async () => {
    const response = await issuerFetch("/api/admin/tenants", { method: "POST", headers: { Authorization: "Bearer wrong-token-wrong-token-wrong", "Idempotency-Key": "" } });
    await expectError(response, 401, "unauthorized");
  });

  it("ignores the header on reads", async () => {
    const tenant = await createTenant();
    expect((await keyed("GET", `/api/admin/tenants/${tenant.tenant_id}`, "")).status).toBe(200);
  });
});

describe("Postgres failing during the request", () => {
  // The same database behind a hop that answers 503 to the statements a test names,
  // as Neon does when its compute is unreachable. Everything else passes through.
  const faultyEnv = { ...env, NEON_FETCH_ENDPOINT: inject("switchableNeonFetchEndpoint") };
  const app = createIssuerApp(issuerDeps);

  /** The SQL as it appears inside Neon's JSON payload (quotes escaped). */
  const asInJson = (text: string) => JSON.stringify(text).slice(1, -1);

  async function failNext(sqlContains: string): Promise<void> {
    const response = await fetch(`${inject("neonControlUrl")}/faults`, { method: "PUT", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ body_contains: asInJson(sqlContains), times: 1 }) });
    expect(response.status).toBe(200);
  }

  async function createThroughFaultyDatabase(key: string, slug: string): Promise<Response> {
    return await app.request("/api/admin/tenants", {
      method: "POST",
      headers: { Authorization: `Bearer ${env.ADMIN_TOKEN}`, "Content-Type": "application/json", "Idempotency-Key": key },
      body: JSON.stringify({ name: "Outage", slug }),
    }, faultyEnv);
  }

  it("frees the key after a 503 in the middle of the request, so the retry runs", async () => {
    const key = newKey();
    const slug = newSlug();
    await failNext('insert into "tenants"');
    const failed = await createThroughFaultyDatabase(key, slug);
    await expectError(failed, 503, "service_unavailable");
    expect(await tenantsWithSlug(slug)).toBe(0);
    expect(await storedRecord(key)).toBeUndefined();

    const retried = await createThroughFaultyDatabase(key, slug);
    expect(retried.status).toBe(201);
    expect(retried.headers.get("Idempotent-Replayed")).toBeNull();
    expect(await tenantsWithSlug(slug)).toBe(1);
    const replayed = await createThroughFaultyDatabase(key, slug);
    expect(replayed.headers.get("Idempotent-Replayed")).toBe("true");
  });

  it("answers 503 and keeps nothing when the claim itself cannot be written", async () => {
    const key = newKey();
    const slug = newSlug();
    await failNext('insert into "idempotency_keys"');
    await expectError(await createThroughFaultyDatabase(key, slug), 503, "service_unavailable");
    expect(await tenantsWithSlug(slug)).toBe(0);
    expect(await storedRecord(key)).toBeUndefined();
    expect((await createThroughFaultyDatabase(key, slug)).status).toBe(201);
  });
});

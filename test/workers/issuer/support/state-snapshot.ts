/**
 * A cheap fingerprint of everything a request could write: each table's row count
 * and a digest of its rows (emailed link tokens included), the revocation entries (in Upstash) of the sessions and
 * users a test watches, every Durable Object's storage and alarm, every KV entry,
 * and how many requests the SMS sandbox has served per provider. Two equal
 * snapshots mean nothing was written.
 *
 * Upstash is read per watched subject, not counted whole: with REDIS_URL, other
 * runs on the same machine share the Redis database.
 *
 * One write is expected of every request under /api/auth/*, refused or not: the hit
 * on its client address's rate limiter. The objects of the addresses a test names
 * in `countedClientIps` are left out; every other rate limiter (per tenant, prefix,
 * budget) is in.
 */
import { listDurableObjectIds, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { createDatabase } from "../../../../shared/adapters/neon/database";
import { sessionKey, USER_MARK_MEMBER, userKey } from "../../../../shared/domain/revocation-entries";
import { sandboxRequestCounts } from "./issuer-client";

const TABLES = ["tenants", "tenant_keys", "users", "sessions", "refresh_tokens", "signing_keys", "otp_requests", "audit_events", "revocation_outbox", "email_tokens", "totp_factors", "recovery_codes", "passkeys", "webauthn_challenges", "oauth_clients", "authorization_codes", "connections", "identities", "upstream_requests", "webhook_endpoints", "webhook_events", "webhook_deliveries", "webhook_attempts", "console_sessions"] as const;

export type StateSnapshot = Record<string, unknown>;

export interface WatchedSubjects {
  readonly sessionIds: readonly string[];
  readonly userIds: readonly string[];
  /** Client addresses whose per-IP rate limiter may count the test's requests. */
  readonly countedClientIps?: readonly string[];
}

const db = createDatabase({ url: env.DATABASE_URL, fetchEndpoint: env.NEON_FETCH_ENDPOINT });

export async function snapshotState(watched: WatchedSubjects): Promise<StateSnapshot> {
  const tables = await Promise.all(
    TABLES.map(async (table) => {
      const result = await db.execute<{ rows: number; digest: string }>(
        sql`select count(*)::int as rows, coalesce(md5(string_agg(t::text, '|' order by t::text)), '') as digest from ${sql.identifier(table)} t`,
      );
      return [table, result.rows[0]] as const;
    }),
  );
  const counted = new Set((watched.countedClientIps ?? []).map((ip) => env.RATE_LIMITER.idFromName(`ip:${ip}`).toString()));
  return {
    ...Object.fromEntries(tables),
    revocations: await revocationEntries(watched),
    durable_objects: {
      PHONE_CODES: await durableObjectStates(env.PHONE_CODES, new Set()),
      RATE_LIMITER: await durableObjectStates(env.RATE_LIMITER, counted),
      AUDIT_SPOOL: await durableObjectStates(env.AUDIT_SPOOL, new Set()),
      LOGIN_GUARD: await durableObjectStates(env.LOGIN_GUARD, new Set()),
      MFA_TICKETS: await durableObjectStates(env.MFA_TICKETS, new Set()),
    },
    kv: { JWKS_KV: await kvEntries(env.JWKS_KV), LOOKUP_CACHE: await kvEntries(env.LOOKUP_CACHE) },
    sms_sandbox_requests: await sandboxRequestCounts(),
  };
}

/** Each object of the namespace (but `skipped`) with a digest of its stored entries and its alarm. */
async function durableObjectStates<T extends Rpc.DurableObjectBranded | undefined>(namespace: DurableObjectNamespace<T>, skipped: ReadonlySet<string>): Promise<Record<string, string>> {
  const ids = (await listDurableObjectIds(namespace)).filter((id) => !skipped.has(id.toString()));
  const states = await Promise.all(
    ids.map(async (id) => {
      const stored = await runInDurableObject(namespace.get(id), async (_instance, state) => ({
        entries: [...(await state.storage.list())],
        alarm: await state.storage.getAlarm(),
      }));
      return [id.toString(), await digest(JSON.stringify(stored))] as const;
    }),
  );
  return Object.fromEntries(states.sort(([a], [b]) => a.localeCompare(b)));
}

/** Every key of the namespace with a digest of its value and metadata. */
async function kvEntries(namespace: KVNamespace): Promise<Record<string, string>> {
  const entries: [string, string][] = [];
  let cursor: string | undefined;
  do {
    const page = await namespace.list(cursor === undefined ? {} : { cursor });
    for (const key of page.keys) {
      const { value, metadata } = await namespace.getWithMetadata(key.name);
      entries.push([key.name, await digest(JSON.stringify({ value, metadata, expiration: key.expiration ?? null }))]);
    }
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor !== undefined);
  return Object.fromEntries(entries);
}

async function digest(text: string): Promise<string> {
  const hash = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(hash)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

async function revocationEntries({ sessionIds, userIds }: WatchedSubjects): Promise<unknown> {
  const keys = [...sessionIds.map((id) => sessionKey(id)), ...userIds.map((id) => userKey(id))];
  const values = await Promise.all([
    ...sessionIds.map((id) => redis(["GET", sessionKey(id)])),
    ...userIds.map((id) => redis(["ZSCORE", userKey(id), USER_MARK_MEMBER])),
  ]);
  const log = (await redis(["ZRANGE", "rv:log", "0", "-1"])) as string[];
  const subjects = [...sessionIds, ...userIds];
  return { entries: Object.fromEntries(keys.map((key, index) => [key, values[index]])), log: log.filter((member) => subjects.some((id) => member.includes(id))) };
}

async function redis(command: string[]): Promise<unknown> {
  const response = await fetch(env.UPSTASH_REDIS_REST_URL, {
    method: "POST",
    headers: { Authorization: `Bearer ${env.UPSTASH_REDIS_REST_TOKEN}`, "Content-Type": "application/json" },
    body: JSON.stringify(command),
  });
  return ((await response.json<{ result: unknown }>())).result;
}

/**
 * A cheap fingerprint of everything a request could write: each table's row count
 * and a digest of its rows, the revocation entries (in Upstash) of the sessions and
 * users a test watches, and how many requests the SMS sandbox has served per
 * provider. Two equal snapshots mean nothing was written.
 *
 * Upstash is read per watched subject, not counted whole: with REDIS_URL, other
 * runs on the same machine share the Redis database.
 */
import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { createDatabase } from "../../../../shared/adapters/neon/database";
import { sandboxRequestCounts } from "./issuer-client";

const TABLES = ["tenants", "tenant_keys", "users", "sessions", "refresh_tokens", "signing_keys", "otp_requests", "audit_events", "revocation_outbox"] as const;

export type StateSnapshot = Record<string, unknown>;

export interface WatchedSubjects {
  readonly sessionIds: readonly string[];
  readonly userIds: readonly string[];
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
  return { ...Object.fromEntries(tables), revocations: await revocationEntries(watched), sms_sandbox_requests: await sandboxRequestCounts() };
}

async function revocationEntries({ sessionIds, userIds }: WatchedSubjects): Promise<unknown> {
  const keys = [...sessionIds.map((id) => `rv:s:${id}`), ...userIds.map((id) => `rv:u:${id}`)];
  const values = await Promise.all(keys.map((key) => redis(["GET", key])));
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

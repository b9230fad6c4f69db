/**
 * A cheap fingerprint of everything a request could write: each table's row count
 * and a digest of its rows, the Upstash key count, and how many requests the SMS
 * sandbox has served per provider. Two equal snapshots mean nothing was written.
 */
import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { createDatabase } from "../../../../shared/adapters/neon/database";
import { sandboxRequestCounts } from "./issuer-client";

const TABLES = ["tenants", "tenant_keys", "users", "sessions", "refresh_tokens", "signing_keys", "otp_requests", "audit_events", "revocation_outbox"] as const;

export type StateSnapshot = Record<string, unknown>;

const db = createDatabase({ url: env.DATABASE_URL, fetchEndpoint: env.NEON_FETCH_ENDPOINT });

export async function snapshotState(): Promise<StateSnapshot> {
  const tables = await Promise.all(
    TABLES.map(async (table) => {
      const result = await db.execute<{ rows: number; digest: string }>(
        sql`select count(*)::int as rows, coalesce(md5(string_agg(t::text, '|' order by t::text)), '') as digest from ${sql.identifier(table)} t`,
      );
      return [table, result.rows[0]] as const;
    }),
  );
  return { ...Object.fromEntries(tables), upstash_keys: await upstashKeyCount(), sms_sandbox_requests: await sandboxRequestCounts() };
}

async function upstashKeyCount(): Promise<unknown> {
  const response = await fetch(env.UPSTASH_REDIS_REST_URL, {
    method: "POST",
    headers: { Authorization: `Bearer ${env.UPSTASH_REDIS_REST_TOKEN}`, "Content-Type": "application/json" },
    body: JSON.stringify(["DBSIZE"]),
  });
  return ((await response.json<{ result: unknown }>())).result;
}

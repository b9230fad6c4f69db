import { sql } from "drizzle-orm";
import type { ActivityStatsReader, BlockedCount, SignInCount, StatsBucket } from "../../ports/activity-stats";
import type { Database } from "./database";

/** Only these two spellings ever reach SQL; the bucket is never taken from input as text. */
const TRUNC: Readonly<Record<StatsBucket, ReturnType<typeof sql.raw>>> = { hour: sql.raw("'hour'"), day: sql.raw("'day'") };

const iso = (value: Date) => value.toISOString();

/**
 * How each audit event names its sign-in method. A success says it in `amr` (RFC 8176), or, for a
 * phone code, by the code request it spent; each
 * kind of failure has its own event type, and a code failure says `channel` when it was an email.
 */
const METHOD = sql`case
  when type = 'auth.signed_in' then case
    when not details ? 'amr' and details ? 'otp_request_id' then 'phone'
    when details->'amr' ? 'fed' then 'social'
    when details->'amr' ? 'hwk' and not details->'amr' ? 'pwd' and not details->'amr' ? 'sms' and not details->'amr' ? 'otp' then 'passkey'
    when details->'amr' ? 'pwd' then 'password'
    when details->'amr' ? 'otp' then 'email'
    when details->'amr' ? 'sms' then 'phone'
    else 'other' end
  when type = 'auth.federated_sign_in' then 'social'
  when type = 'auth.login_failed' then 'password'
  when type = 'passkey.sign_in_failed' then 'passkey'
  when type = 'mfa.verify_failed' then 'second_factor'
  when type = 'auth.verify_failed' then case when details->>'channel' like 'email%' then 'email' else 'phone' end
  else 'other' end`;

export function neonActivityStatsReader(db: Database): ActivityStatsReader {
  return {
    async signIns(tenantId, window, bucket) {
      // A federated sign-in also writes auth.signed_in, so only its failures are counted from its own event.
      const result = await db.execute<{ bucket: string; method: string; outcome: "success" | "failure"; count: number }>(sql`
        select date_trunc(${TRUNC[bucket]}, created_at at time zone 'UTC') as bucket, ${METHOD} as method,
          case when type = 'auth.signed_in' then 'success' else 'failure' end as outcome, count(*)::int as count
        from audit_events
        where tenant_id = ${tenantId} and created_at >= ${iso(window.from)}::timestamptz and created_at < ${iso(window.to)}::timestamptz
          and (type = 'auth.signed_in'
            or (type in ('auth.login_failed', 'passkey.sign_in_failed', 'mfa.verify_failed', 'auth.verify_failed') and outcome <> 'success')
            or (type = 'auth.federated_sign_in' and outcome = 'failure'))
        group by 1, 2, 3
        order by 1
      `);
      return result.rows.map((row): SignInCount => ({ bucket: utc(row.bucket), method: row.method, outcome: row.outcome, count: row.count }));
    },

    async deliveryByProvider(tenantId, window) {
      const result = await db.execute<{ provider: string | null; status: string; delivery_status: string | null; count: number }>(sql`
        select provider, status, delivery_status, count(*)::int as count
        from otp_requests
        where tenant_id = ${tenantId} and created_at >= ${iso(window.from)}::timestamptz and created_at < ${iso(window.to)}::timestamptz
        group by 1, 2, 3
      `);
      return result.rows.map((row) => ({ provider: row.provider ?? "none", status: row.status, deliveryStatus: row.delivery_status, count: row.count }));
    },

    async blocked(tenantId, window, bucket) {
      const result = await db.execute<{ bucket: string; kind: BlockedCount["kind"]; count: number }>(sql`
        select date_trunc(${TRUNC[bucket]}, created_at at time zone 'UTC') as bucket,
          case when type in ('auth.locked_out', 'auth.login_locked') then 'lockout'
               when type = 'auth.rate_limited' or details->>'reason' = 'rate_limited' then 'rate_limited'
               else 'other' end as kind,
          count(*)::int as count
        from audit_events
        where tenant_id = ${tenantId} and created_at >= ${iso(window.from)}::timestamptz and created_at < ${iso(window.to)}::timestamptz
          and (outcome = 'blocked' or type in ('auth.locked_out', 'auth.login_locked', 'auth.rate_limited'))
        group by 1, 2
        order by 1
      `);
      return result.rows.map((row): BlockedCount => ({ bucket: utc(row.bucket), kind: row.kind, count: row.count }));
    },

    async webhookAttempts(tenantId, window, bucket) {
      const result = await db.execute<{ bucket: string; succeeded: boolean; count: number }>(sql`
        select date_trunc(${TRUNC[bucket]}, attempted_at at time zone 'UTC') as bucket, succeeded, count(*)::int as count
        from webhook_attempts
        where tenant_id = ${tenantId} and attempted_at >= ${iso(window.from)}::timestamptz and attempted_at < ${iso(window.to)}::timestamptz
        group by 1, 2
        order by 1
      `);
      return result.rows.map((row) => ({ bucket: utc(row.bucket), succeeded: row.succeeded, count: row.count }));
    },
  };
}

/** `date_trunc` of a UTC wall-clock time comes back without a zone: read it as UTC. */
function utc(value: string | Date): Date {
  if (value instanceof Date) return value;
  return new Date(/[zZ]|[+-]\d\d(:?\d\d)?$/.test(value) ? value : `${value.replace(" ", "T")}Z`);
}

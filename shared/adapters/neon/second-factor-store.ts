import { and, eq, gt, sql, type SQL } from "drizzle-orm";
import { totpFactors } from "../../../drizzle/schema";
import type { SecondFactorStore, TotpFactorRecord } from "../../ports/second-factor-store";
import type { Database } from "./database";

export function neonSecondFactorStore(db: Database): SecondFactorStore {
  return {
    async summary(userId) {
      const result = await db.execute<{ totp: boolean; passkeys: number; recovery: number }>(sql`
        select
          exists (select 1 from totp_factors where user_id = ${userId} and state = 'active') as totp,
          (select count(*) from passkeys where user_id = ${userId})::int as passkeys,
          (select count(*) from recovery_codes where user_id = ${userId} and used_at is null)::int as recovery
      `);
      const row = result.rows[0];
      return { totp: row?.totp === true, passkeys: row?.passkeys ?? 0, recoveryCodesRemaining: row?.recovery ?? 0 };
    },

    async findTotp(owner, state, pendingSince) {
      const [row] = await db
        .select()
        .from(totpFactors)
        .where(
          and(
            eq(totpFactors.userId, owner.userId),
            eq(totpFactors.tenantId, owner.tenantId),
            eq(totpFactors.state, state),
            state === "pending" && pendingSince !== undefined ? gt(totpFactors.createdAt, pendingSince) : undefined,
          ),
        )
        .limit(1);
      return row ? toRecord(row) : null;
    },

    async startTotp(factor, now) {
      // One statement: the partial unique index on the pending factor turns a second start (or
      // two racing ones) into a replacement, and no pending factor is written beside an active one.
      const result = await db.execute<{ id: string }>(sql`
        insert into totp_factors (id, tenant_id, user_id, state, sealed_secret, created_at)
        select ${factor.id}, ${factor.tenantId}, ${factor.userId}, 'pending', ${factor.sealedSecret}, ${now.toISOString()}::timestamptz
        where not exists (select 1 from totp_factors where user_id = ${factor.userId} and state = 'active')
        on conflict (user_id) where state = 'pending' do update set
          id = excluded.id, tenant_id = excluded.tenant_id, sealed_secret = excluded.sealed_secret,
          created_at = excluded.created_at, last_used_step = null
        returning id
      `);
      return result.rows.length > 0;
    },

    async confirmTotp(owner, factorId, { step, codeHashes, now, pendingSince }) {
      const at = now.toISOString();
      // The codes are written only if this very statement activated the factor: the old set goes
      // and the new one comes in the same step, and a confirmation that lost a race writes nothing.
      const result = await db.execute<{ activated: number }>(sql`
        with activated as (
          update totp_factors set state = 'active', confirmed_at = ${at}::timestamptz, last_used_step = ${step}
          where id = ${factorId} and user_id = ${owner.userId} and tenant_id = ${owner.tenantId}
            and state = 'pending' and created_at > ${pendingSince.toISOString()}::timestamptz
          returning user_id, tenant_id
        ),
        dropped as (delete from recovery_codes where user_id in (select user_id from activated) returning code_hash),
        added as (
          insert into recovery_codes (code_hash, tenant_id, user_id, created_at)
          select hashes.code_hash, activated.tenant_id, activated.user_id, ${at}::timestamptz
          from activated cross join (${hashList(codeHashes)}) as hashes (code_hash)
          returning code_hash
        )
        select (select count(*) from activated)::int as activated
      `);
      return (result.rows[0]?.activated ?? 0) > 0;
    },

    async dropPendingTotp(owner, factorId) {
      await db
        .delete(totpFactors)
        .where(and(eq(totpFactors.id, factorId), eq(totpFactors.userId, owner.userId), eq(totpFactors.tenantId, owner.tenantId), eq(totpFactors.state, "pending")));
    },

    async acceptTotpStep(owner, factorId, step) {
      // Racing uses of one code serialise on the row: the loser re-checks `last_used_step < step`
      // against the winner's write and updates nothing.
      const accepted = await db
        .update(totpFactors)
        .set({ lastUsedStep: step })
        .where(
          and(
            eq(totpFactors.id, factorId),
            eq(totpFactors.userId, owner.userId),
            eq(totpFactors.tenantId, owner.tenantId),
            eq(totpFactors.state, "active"),
            sql`(${totpFactors.lastUsedStep} is null or ${totpFactors.lastUsedStep} < ${step})`,
          ),
        )
        .returning({ id: totpFactors.id });
      return accepted.length > 0;
    },

    async removeTotp(owner) {
      // Recovery codes stand in for a second factor; with none left (no passkey either) they go too.
      const result = await db.execute<{ removed: number; codes: number }>(sql`
        with removed as (
          delete from totp_factors where user_id = ${owner.userId} and tenant_id = ${owner.tenantId} returning state
        ),
        codes as (
          delete from recovery_codes
          where user_id = ${owner.userId} and exists (select 1 from removed where state = 'active')
            and not exists (select 1 from passkeys where user_id = ${owner.userId})
          returning code_hash
        )
        select (select count(*) from removed where state = 'active')::int as removed, (select count(*) from codes)::int as codes
      `);
      const row = result.rows[0];
      return { removed: (row?.removed ?? 0) > 0, recoveryCodesDeleted: row?.codes ?? 0 };
    },

    async replaceRecoveryCodes(owner, codeHashes, now) {
      const at = now.toISOString();
      // A data-modifying WITH runs to completion whether or not the insert reads it (PostgreSQL docs, 7.8.4).
      const result = await db.execute<{ code_hash: string }>(sql`
        with factor as (
          select 1 where exists (select 1 from totp_factors where user_id = ${owner.userId} and tenant_id = ${owner.tenantId} and state = 'active')
            or exists (select 1 from passkeys where user_id = ${owner.userId} and tenant_id = ${owner.tenantId})
        ),
        dropped as (delete from recovery_codes where user_id = ${owner.userId} and exists (select 1 from factor) returning code_hash)
        insert into recovery_codes (code_hash, tenant_id, user_id, created_at)
        select hashes.code_hash, ${owner.tenantId}, ${owner.userId}, ${at}::timestamptz
        from (${hashList(codeHashes)}) as hashes (code_hash)
        where exists (select 1 from factor)
        returning code_hash
      `);
      return result.rows.length > 0;
    },

    async spendRecoveryCode(owner, codeHash, now) {
      // The remaining count reads the snapshot from before the spend, so the spent code is taken off.
      const result = await db.execute<{ spent: number; unused: number }>(sql`
        with spent as (
          update recovery_codes set used_at = ${now.toISOString()}::timestamptz
          where code_hash = ${codeHash} and user_id = ${owner.userId} and tenant_id = ${owner.tenantId} and used_at is null
          returning code_hash
        )
        select (select count(*) from spent)::int as spent,
          (select count(*) from recovery_codes where user_id = ${owner.userId} and used_at is null)::int as unused
      `);
      const row = result.rows[0];
      const spent = row?.spent ?? 0;
      return { spent: spent > 0, remaining: Math.max(0, (row?.unused ?? 0) - spent) };
    },
  };
}

/** `values ($1), ($2), …`: a list of hashes as rows, always at least one (an empty list matches nothing). */
function hashList(codeHashes: readonly string[]): SQL {
  if (codeHashes.length === 0) return sql`select null::text where false`;
  return sql`values ${sql.join(
    codeHashes.map((hash) => sql`(${hash}::text)`),
    sql`, `,
  )}`;
}

function toRecord(row: typeof totpFactors.$inferSelect): TotpFactorRecord {
  return {
    id: row.id,
    tenantId: row.tenantId,
    userId: row.userId,
    state: row.state,
    sealedSecret: row.sealedSecret,
    lastUsedStep: row.lastUsedStep,
    createdAt: row.createdAt,
    confirmedAt: row.confirmedAt,
  };
}

import { and, eq, gt, inArray, or, sql } from "drizzle-orm";
import { signingKeys } from "../../../drizzle/schema";
import type { NewSigningKey, PublishedJwk, PublishedKeyState, SigningKeyStore, StoredSigningKey } from "../../ports/signing-key-store";
import type { Database } from "./database";

export function neonSigningKeyStore(db: Database): SigningKeyStore {
  return {
    async listPublished(now) {
      const rows = await db
        .select()
        .from(signingKeys)
        .where(or(inArray(signingKeys.state, ["current", "next"]), and(eq(signingKeys.state, "retired"), gt(signingKeys.publishUntil, now))));
      return rows.map(
        (row): StoredSigningKey => ({
          kid: row.kid,
          alg: row.alg,
          // The query above selects published states only.
          state: row.state as PublishedKeyState,
          publicJwk: row.publicJwk as unknown as PublishedJwk,
          encryptedPrivateKey: row.encryptedPrivateKey,
          publishUntil: row.publishUntil,
          activatedAt: row.activatedAt,
        }),
      );
    },

    async installInitialKeys(current: NewSigningKey, next: NewSigningKey) {
      // The partial unique indexes on (alg, state) allow one current and one next key per algorithm.
      // Both inserts run in one transaction; a concurrent installer's rows make
      // ours conflict and do nothing, so exactly one pair survives.
      const now = new Date();
      await db.batch([
        db
          .insert(signingKeys)
          .values({ kid: current.kid, alg: current.alg, state: "current", publicJwk: { ...current.publicJwk }, encryptedPrivateKey: current.encryptedPrivateKey, activatedAt: now })
          .onConflictDoNothing(),
        db
          .insert(signingKeys)
          .values({ kid: next.kid, alg: next.alg, state: "next", publicJwk: { ...next.publicJwk }, encryptedPrivateKey: next.encryptedPrivateKey })
          .onConflictDoNothing(),
      ]);
    },

    async rotate(expectedCurrent, expectedNext, newNext, retiredPublishUntil, now) {
      const at = now.toISOString();
      const { alg } = newNext;
      await db.batch([
        // Serialises rotations; each guarded statement below then sees the previous ones' effects.
        db.execute(sql`select pg_advisory_xact_lock(${ROTATION_LOCK})`),
        db.execute(sql`
          update signing_keys set state = 'retired', retired_at = ${at}::timestamptz, publish_until = ${retiredPublishUntil.toISOString()}::timestamptz
          where kid = ${expectedCurrent} and alg = ${alg} and state = 'current'
            and exists (select 1 from signing_keys where kid = ${expectedNext} and alg = ${alg} and state = 'next')`),
        db.execute(sql`
          update signing_keys set state = 'current', activated_at = ${at}::timestamptz
          where kid = ${expectedNext} and alg = ${alg} and state = 'next' and not exists (select 1 from signing_keys where alg = ${alg} and state = 'current')`),
        db.execute(sql`
          insert into signing_keys (kid, alg, state, public_jwk, encrypted_private_key, created_at)
          select ${newNext.kid}, ${newNext.alg}, 'next', ${JSON.stringify(newNext.publicJwk)}::jsonb, ${newNext.encryptedPrivateKey}, ${at}::timestamptz
          where not exists (select 1 from signing_keys where alg = ${newNext.alg} and state = 'next')`),
      ]);
    },

    async withdraw(kid, newNext, listedUntil, now) {
      const at = now.toISOString();
      const { alg } = newNext;
      await db.batch([
        // The rotation lock: a rotation and a withdrawal never interleave.
        db.execute(sql`select pg_advisory_xact_lock(${ROTATION_LOCK})`),
        db.execute(sql`
          update signing_keys set state = 'withdrawn', retired_at = ${at}::timestamptz, publish_until = ${listedUntil.toISOString()}::timestamptz
          where kid = ${kid} and alg = ${alg} and state <> 'withdrawn'`),
        // The next key has been published since it was installed, so the gates know it already.
        db.execute(sql`
          update signing_keys set state = 'current', activated_at = ${at}::timestamptz
          where alg = ${alg} and state = 'next' and not exists (select 1 from signing_keys where alg = ${alg} and state = 'current')`),
        db.execute(sql`
          insert into signing_keys (kid, alg, state, public_jwk, encrypted_private_key, created_at)
          select ${newNext.kid}, ${newNext.alg}, 'next', ${JSON.stringify(newNext.publicJwk)}::jsonb, ${newNext.encryptedPrivateKey}, ${at}::timestamptz
          where not exists (select 1 from signing_keys where alg = ${newNext.alg} and state = 'next')`),
      ]);
    },

    async listWithdrawn(now) {
      const rows = await db
        .select({ kid: signingKeys.kid })
        .from(signingKeys)
        .where(and(eq(signingKeys.state, "withdrawn"), gt(signingKeys.publishUntil, now)));
      return rows.map((row) => row.kid);
    },
  };
}

/** An arbitrary constant naming the rotation lock. */
const ROTATION_LOCK = 0x506f7274;

import { and, eq, gt, inArray, or } from "drizzle-orm";
import { signingKeys } from "../../../drizzle/schema";
import type { PublicSigningJwk } from "../../crypto/es256-keys";
import type { NewSigningKey, SigningKeyStore, StoredSigningKey } from "../../ports/signing-key-store";
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
          state: row.state,
          publicJwk: row.publicJwk as unknown as PublicSigningJwk,
          encryptedPrivateKey: row.encryptedPrivateKey,
          publishUntil: row.publishUntil,
        }),
      );
    },

    async installInitialKeys(current: NewSigningKey, next: NewSigningKey) {
      // The partial unique indexes on state allow one current and one next key.
      // Both inserts run in one transaction; a concurrent installer's rows make
      // ours conflict and do nothing, so exactly one pair survives.
      const now = new Date();
      await db.batch([
        db
          .insert(signingKeys)
          .values({ kid: current.kid, state: "current", publicJwk: { ...current.publicJwk }, encryptedPrivateKey: current.encryptedPrivateKey, activatedAt: now })
          .onConflictDoNothing(),
        db
          .insert(signingKeys)
          .values({ kid: next.kid, state: "next", publicJwk: { ...next.publicJwk }, encryptedPrivateKey: next.encryptedPrivateKey })
          .onConflictDoNothing(),
      ]);
    },
  };
}

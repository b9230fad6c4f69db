/**
 * Direct reads and writes of the account tables, for what no route of this
 * change writes yet (an address, a password hash, linked identities, link tokens)
 * and for checking what a route left behind.
 */
import { env } from "cloudflare:workers";
import { eq, sql } from "drizzle-orm";
import { emailTokens, identities, sessions, users } from "../../../../drizzle/schema";
import { createDatabase } from "../../../../shared/adapters/neon/database";
import { newId, randomBase32 } from "../../../../shared/crypto/ids";
import { signIn, type SignedIn, type TenantCredentials } from "./issuer-client";

export const testDb = createDatabase({ url: env.DATABASE_URL, fetchEndpoint: env.NEON_FETCH_ENDPOINT });

export async function userRow(userId: string): Promise<typeof users.$inferSelect> {
  const [row] = await testDb.select().from(users).where(eq(users.id, userId));
  if (!row) throw new Error(`no user ${userId}`);
  return row;
}

/** Gives a user a (verified) address and, optionally, a password hash, as the email routes would. */
export async function setAccount(userId: string, account: { email: string; emailVerified?: boolean; passwordHash?: string | null }): Promise<void> {
  await testDb
    .update(users)
    .set({ email: account.email, emailVerified: account.emailVerified ?? true, ...(account.passwordHash === undefined ? {} : { passwordHash: account.passwordHash }) })
    .where(eq(users.id, userId));
}

/**
 * A signed-in user with an address and no phone: signed in by phone (a real session and
 * token), then the phone taken off and an address put on, as an email sign-up leaves a user.
 */
export async function emailOnlyUser(tenant: TenantCredentials, email = `${randomBase32(10)}@example.com`): Promise<SignedIn & { email: string; sessionId: string }> {
  const signedIn = await signIn(tenant);
  await testDb.update(users).set({ phone: null, email, emailVerified: true }).where(eq(users.id, signedIn.user_id));
  const sessionId = String(JSON.parse(atob((signedIn.token.split(".")[1] ?? "").replace(/-/g, "+").replace(/_/g, "/"))).sid);
  await testDb.update(sessions).set({ amr: ["pwd"] }).where(eq(sessions.id, sessionId));
  return { ...signedIn, email, sessionId };
}

export async function linkIdentity(tenantId: string, userId: string, identity: { provider: string; email: string | null; linkedAt?: Date }): Promise<void> {
  await testDb.insert(identities).values({
    id: `idn_${randomBase32(26)}`,
    tenantId,
    userId,
    provider: identity.provider,
    subject: randomBase32(20),
    email: identity.email,
    ...(identity.linkedAt ? { linkedAt: identity.linkedAt } : {}),
  });
}

export async function addEmailToken(tenantId: string, userId: string | null, email: string): Promise<string> {
  const tokenHash = randomBase32(52);
  await testDb.insert(emailTokens).values({ tokenHash, tenantId, userId, purpose: userId === null ? "sign_in" : "verify_email", email, expiresAt: new Date(Date.now() + 3600_000) });
  return tokenHash;
}

export async function countRows(table: "identities" | "email_tokens", where: { userId?: string; tokenHashes?: readonly string[] }): Promise<number> {
  if (where.userId !== undefined) {
    const result = await testDb.execute<{ n: number }>(sql`select count(*)::int as n from ${sql.identifier(table)} where user_id = ${where.userId}`);
    return result.rows[0]?.n ?? 0;
  }
  const hashes = where.tokenHashes ?? [];
  if (hashes.length === 0) return 0;
  const result = await testDb.execute<{ n: number }>(sql`select count(*)::int as n from email_tokens where token_hash in (${sql.join(hashes.map((hash) => sql`${hash}`), sql`, `)})`);
  return result.rows[0]?.n ?? 0;
}

/** Inserts a live user straight into the table: the unique indexes decide, as for any writer. */
export async function insertUser(tenantId: string, fields: { email?: string; phone?: string }): Promise<string> {
  const id = newId("usr");
  await testDb.insert(users).values({ id, tenantId, roles: ["user"], metadata: {}, ...(fields.email ? { email: fields.email } : {}), ...(fields.phone ? { phone: fields.phone } : {}) });
  return id;
}

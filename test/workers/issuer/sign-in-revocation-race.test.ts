/**
 * A sign-in racing a user-wide revocation (disable, logout-all, revoke-sessions) must
 * never leave a live session behind once the revocation is acknowledged: either the
 * sign-in commits first and the revocation ends its session, or it waits for the
 * revocation and reads its outcome. Both transactions lock the user's row first.
 *
 * On the embedded PGlite backend requests take turns, so these races always resolve
 * cleanly; against a real PostgreSQL (POSTGRES_URL) the transactions overlap and the
 * row lock is what keeps the invariant.
 */
import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createDatabase } from "../../../shared/adapters/neon/database";
import { revokedBeforeSeconds } from "../../../shared/domain/revocation-entries";
import { adminFetch, createTenant, decodeJwtPart, expectError, issuerFetch, jsonRequest, latestCode, refresh, requestCode, signIn, verifyCode, withBearer, type TenantCredentials } from "./support/issuer-client";

const ROUNDS = 4;
const db = createDatabase({ url: env.DATABASE_URL, fetchEndpoint: env.NEON_FETCH_ENDPOINT });

interface SignedInBody {
  token: string;
  refresh_token: string;
  user_id: string;
}

/** A user with one session, and a fresh code for their phone ready to be verified. */
async function userWithPendingCode(tenant: TenantCredentials): Promise<{ userId: string; token: string; phone: string; code: string }> {
  const user = await signIn(tenant);
  expect((await requestCode(tenant.api_key, user.phone)).status).toBe(202);
  return { userId: user.user_id, token: user.token, phone: user.phone, code: await latestCode(user.phone) };
}

async function liveSessionIds(userId: string): Promise<string[]> {
  const result = await db.execute<{ id: string }>(sql`select id from sessions where user_id = ${userId} and revoked_at is null`);
  return result.rows.map((row) => row.id);
}

async function tokensValidAfter(userId: string): Promise<Date> {
  const result = await db.execute<{ at: string | null }>(sql`select tokens_valid_after as at from users where id = ${userId}`);
  const at = result.rows[0]?.at;
  if (!at) throw new Error("the revocation left no issued-before mark");
  return new Date(at);
}

describe("a sign-in racing a user-wide revocation", () => {
  it("racing a disable, never leaves a live session of the disabled user: the sign-in is refused or its session revoked", async () => {
    const tenant = await createTenant();
    for (let round = 0; round < ROUNDS; round += 1) {
      const user = await userWithPendingCode(tenant);
      const [verified, disabled] = await Promise.all([
        verifyCode(tenant.api_key, user.phone, user.code),
        adminFetch(`/api/admin/users/${user.userId}`, jsonRequest("PATCH", { disabled: true })),
      ]);
      expect(disabled.status).toBe(200);
      expect([200, 403]).toContain(verified.status);
      expect(await liveSessionIds(user.userId)).toEqual([]);
      if (verified.status === 403) {
        await expectError(verified, 403, "user_disabled");
        continue;
      }
      const body = await verified.json<SignedInBody>();
      await expectError(await refresh(tenant.api_key, body.refresh_token), 401, "invalid_grant");
      await expectError(await issuerFetch("/api/auth/me", withBearer(body.token)), 401, "invalid_token");
    }
  });

  it.each([
    ["logout-all", (user: { token: string }) => issuerFetch("/api/auth/logout-all", withBearer(user.token, { method: "POST" })), 204],
    ["revoke-sessions", (user: { userId: string }) => adminFetch(`/api/admin/users/${user.userId}/revoke-sessions`, { method: "POST" }), 200],
  ] as const)("racing %s, leaves a session live only if the sign-in read the revocation (its tokens are not from before it)", async (_name, revoke, status) => {
    const tenant = await createTenant();
    for (let round = 0; round < ROUNDS; round += 1) {
      const user = await userWithPendingCode(tenant);
      const [verified, revoked] = await Promise.all([verifyCode(tenant.api_key, user.phone, user.code), revoke(user)]);
      expect(revoked.status).toBe(status);
      expect(verified.status).toBe(200);
      const body = await verified.json<SignedInBody>();
      const sid = decodeJwtPart(body.token, 1).sid;
      const live = await liveSessionIds(user.userId);
      if (!live.includes(String(sid))) {
        await expectError(await refresh(tenant.api_key, body.refresh_token), 401, "invalid_grant");
        continue;
      }
      // The only live session may be the racing sign-in's, opened after the revocation.
      expect(live).toEqual([sid]);
      expect(decodeJwtPart(body.token, 1).iat).toBeGreaterThanOrEqual(revokedBeforeSeconds(await tokensValidAfter(user.userId)));
      expect((await issuerFetch("/api/auth/me", withBearer(body.token))).status).toBe(200);
    }
  });
});

import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createDatabase } from "../../../shared/adapters/neon/database";
import { neonSessionStore } from "../../../shared/adapters/neon/session-store";
import { sha256Hex } from "../../../shared/crypto/hashing";
import { openSecret } from "../../../shared/crypto/key-encryption";
import { openRetryCopy, sealRetryCopy } from "../../../shared/crypto/refresh-retry-copy";
import type { RotationRequest } from "../../../shared/ports/session-store";
import { newRefreshTokenWithHash } from "../../../workers/issuer/services/session-tokens";
import { runCron } from "./support/cron";
import { createTenant, decodeJwtPart, expectError, issuerFetch, jsonRequest, refresh, signIn, withBearer, type TokenPairBody } from "./support/issuer-client";

const db = createDatabase({ url: env.DATABASE_URL, fetchEndpoint: env.NEON_FETCH_ENDPOINT });

function sessionStore() {
  return neonSessionStore(db);
}

/** A rotation of `presented` as the refresh service would ask for it, at a chosen clock reading. */
async function rotationFor(tenantId: string, presented: string, reuseIntervalSeconds: number, now: Date): Promise<RotationRequest> {
  const presentedHash = await sha256Hex(presented);
  const successor = await newRefreshTokenWithHash();
  return {
    presentedHash,
    successorHash: successor.hash,
    successorSealed: reuseIntervalSeconds > 0 ? await sealRetryCopy(env.KEY_ENCRYPTION_SECRET, successor.token, presentedHash) : null,
    tenantId,
    reuseIntervalSeconds,
    now,
    sessionExpiresAt: new Date(now.getTime() + 3_600_000),
    listExpiresAt: new Date(now.getTime() + 3_600_000),
  };
}

async function sealedCopyOf(tokenHash: string): Promise<string | null> {
  const result = await db.execute<{ sealed_token: string | null }>(sql`select sealed_token from refresh_tokens where token_hash = ${tokenHash}`);
  const [row] = result.rows;
  if (!row) throw new Error("no such refresh token row");
  return row.sealed_token;
}

async function pairOf(response: Response): Promise<TokenPairBody> {
  expect(response.status, await response.clone().text()).toBe(200);
  return await response.json<TokenPairBody>();
}

describe("POST /api/auth/refresh", () => {
  it("rotates: a new pair of the same session, and the old refresh token is spent", async () => {
    const tenant = await createTenant();
    const session = await signIn(tenant);
    const next = await pairOf(await refresh(tenant.api_key, session.refresh_token));
    expect(next).toEqual({ token: expect.any(String), refresh_token: expect.any(String), token_type: "Bearer", expires_in: 900 });
    expect(next.refresh_token).not.toBe(session.refresh_token);
    expect(decodeJwtPart(next.token, 1).sid).toBe(decodeJwtPart(session.token, 1).sid);
    const third = await pairOf(await refresh(tenant.api_key, next.refresh_token));
    expect(third.refresh_token).not.toBe(next.refresh_token);
  });

  it("treats a spent token presented again as reuse: the whole session is revoked", async () => {
    const tenant = await createTenant({ refresh_reuse_interval_seconds: 0 });
    const session = await signIn(tenant);
    const next = await pairOf(await refresh(tenant.api_key, session.refresh_token));
    await expectError(await refresh(tenant.api_key, session.refresh_token), 401, "invalid_grant");
    await expectError(await refresh(tenant.api_key, next.refresh_token), 401, "invalid_grant");
    await expectError(await issuerFetch("/api/auth/me", withBearer(next.token)), 401, "invalid_token");
  });

  it("answers a replay of the spent token within the interval with the same successor, so the rightful holder keeps the session", async () => {
    const tenant = await createTenant({ refresh_reuse_interval_seconds: 30 });
    const session = await signIn(tenant);
    const first = await pairOf(await refresh(tenant.api_key, session.refresh_token));
    const replayed = await pairOf(await refresh(tenant.api_key, session.refresh_token));
    expect(replayed.refresh_token).toBe(first.refresh_token);
    // A fresh access token of the same session, not a copy of the first answer's.
    expect(replayed.token).not.toBe(first.token);
    expect(decodeJwtPart(replayed.token, 1).sid).toBe(decodeJwtPart(session.token, 1).sid);
    expect(decodeJwtPart(replayed.token, 1).jti).not.toBe(decodeJwtPart(first.token, 1).jti);
    // The rightful holder's successor still rotates: the chain did not fork.
    const second = await pairOf(await refresh(tenant.api_key, first.refresh_token));
    expect(second.refresh_token).not.toBe(first.refresh_token);
    // With the successor spent, the original token has nothing left to retry: it is reuse, and ends the session.
    await expectError(await refresh(tenant.api_key, session.refresh_token), 401, "invalid_grant");
    await expectError(await refresh(tenant.api_key, second.refresh_token), 401, "invalid_grant");
    await expectError(await issuerFetch("/api/auth/me", withBearer(second.token)), 401, "invalid_token");
  });

  it("treats a spent token presented after the interval as reuse and revokes the session", async () => {
    const tenant = await createTenant({ refresh_reuse_interval_seconds: 10 });
    const session = await signIn(tenant);
    const next = await pairOf(await refresh(tenant.api_key, session.refresh_token));
    const rotation = await rotationFor(tenant.tenant_id, session.refresh_token, 10, new Date(Date.now() + 11_000));
    expect((await sessionStore().rotate(rotation)).kind).toBe("reused");
    await expectError(await refresh(tenant.api_key, next.refresh_token), 401, "invalid_grant");
    await expectError(await issuerFetch("/api/auth/me", withBearer(next.token)), 401, "invalid_token");
  });

  it("gives a tenant with default settings a 10 s reuse interval: two tabs refreshing one after the other stay signed in", async () => {
    const tenant = await createTenant();
    const session = await signIn(tenant);
    const tabOne = await pairOf(await refresh(tenant.api_key, session.refresh_token));
    const tabTwo = await pairOf(await refresh(tenant.api_key, session.refresh_token));
    expect(tabTwo.refresh_token).toBe(tabOne.refresh_token);
    await pairOf(await refresh(tenant.api_key, tabOne.refresh_token));
  });

  it("keeps the successor only sealed, bound to the token it succeeds, and forgets the copy once the successor is spent", async () => {
    const tenant = await createTenant({ refresh_reuse_interval_seconds: 30 });
    const session = await signIn(tenant);
    const first = await pairOf(await refresh(tenant.api_key, session.refresh_token));
    const successorHash = await sha256Hex(first.refresh_token);
    const sealed = await sealedCopyOf(successorHash);
    expect(sealed).toEqual(expect.any(String));
    expect(sealed).not.toContain(first.refresh_token.slice(3));
    const predecessorHash = await sha256Hex(session.refresh_token);
    expect(await openRetryCopy(env.KEY_ENCRYPTION_SECRET, sealed ?? "", predecessorHash)).toBe(first.refresh_token);
    // Moved to another chain, or opened under the key of another purpose, it does not open.
    expect(await openRetryCopy(env.KEY_ENCRYPTION_SECRET, sealed ?? "", successorHash)).toBeNull();
    expect(await openSecret(env.KEY_ENCRYPTION_SECRET, "signing-key", sealed ?? "", `refresh-retry:${predecessorHash}`)).toBeNull();
    await pairOf(await refresh(tenant.api_key, first.refresh_token));
    expect(await sealedCopyOf(successorHash)).toBeNull();
  });

  it("stores no recoverable successor when the tenant has no reuse interval", async () => {
    const tenant = await createTenant({ refresh_reuse_interval_seconds: 0 });
    const session = await signIn(tenant);
    const first = await pairOf(await refresh(tenant.api_key, session.refresh_token));
    expect(await sealedCopyOf(await sha256Hex(first.refresh_token))).toBeNull();
  });

  it("has the cron forget retry copies older than twice the longest interval, and keep fresh ones", async () => {
    const tenant = await createTenant({ refresh_reuse_interval_seconds: 60 });
    const [old, fresh] = await Promise.all([signIn(tenant), signIn(tenant)]);
    const oldSuccessor = await pairOf(await refresh(tenant.api_key, old.refresh_token));
    const freshSuccessor = await pairOf(await refresh(tenant.api_key, fresh.refresh_token));
    const oldHash = await sha256Hex(oldSuccessor.refresh_token);
    await db.execute(sql`update refresh_tokens set created_at = now() - interval '121 seconds' where token_hash = ${oldHash}`);
    await runCron();
    expect(await sealedCopyOf(oldHash)).toBeNull();
    expect(await sealedCopyOf(await sha256Hex(freshSuccessor.refresh_token))).toEqual(expect.any(String));
  });

  it("never leaves two live successors when 6 refreshes of one token race (reuse interval 0: the losers revoke)", async () => {
    const tenant = await createTenant({ refresh_reuse_interval_seconds: 0 });
    const session = await signIn(tenant);
    const responses = await Promise.all(Array.from({ length: 6 }, () => refresh(tenant.api_key, session.refresh_token)));
    const winners = responses.filter((response) => response.status === 200);
    expect(winners).toHaveLength(1);
    for (const loser of responses.filter((response) => response.status !== 200)) await expectError(loser, 401, "invalid_grant");
  });

  it("treats a racing refresh whose clock read came before the winner's as reuse, not a retry, when there is no reuse interval", async () => {
    // Racing requests read their clocks in different isolates (or machines): the loser's `now` can precede the winner's spent_at.
    const tenant = await createTenant({ refresh_reuse_interval_seconds: 0 });
    const session = await signIn(tenant);
    const sessions = sessionStore();
    const winnerNow = new Date();
    expect((await sessions.rotate(await rotationFor(tenant.tenant_id, session.refresh_token, 0, winnerNow))).kind).toBe("rotated");
    expect((await sessions.rotate(await rotationFor(tenant.tenant_id, session.refresh_token, 0, new Date(winnerNow.getTime() - 5)))).kind).toBe("reused");
    await expectError(await issuerFetch("/api/auth/me", withBearer(session.token)), 401, "invalid_token");
  });

  it("hands every one of 6 refreshes racing inside the reuse interval the same successor, which then rotates", async () => {
    const tenant = await createTenant({ refresh_reuse_interval_seconds: 60 });
    const session = await signIn(tenant);
    const responses = await Promise.all(Array.from({ length: 6 }, () => refresh(tenant.api_key, session.refresh_token)));
    const pairs = await Promise.all(responses.map(pairOf));
    expect(new Set(pairs.map((pair) => pair.refresh_token)).size).toBe(1);
    expect(new Set(pairs.map((pair) => decodeJwtPart(pair.token, 1).jti)).size).toBe(6);
    const [first] = pairs;
    await pairOf(await refresh(tenant.api_key, first?.refresh_token ?? ""));
  });

  it("refuses an unknown token, and another tenant's token, with 401 invalid_grant", async () => {
    const tenant = await createTenant();
    const other = await createTenant();
    const session = await signIn(tenant);
    await expectError(await refresh(tenant.api_key, "rt_notarealtoken"), 401, "invalid_grant");
    await expectError(await refresh(other.api_key, session.refresh_token), 401, "invalid_grant");
    await pairOf(await refresh(tenant.api_key, session.refresh_token));
  });

  it("refuses a refresh token after logout", async () => {
    const tenant = await createTenant();
    const session = await signIn(tenant);
    expect((await issuerFetch("/api/auth/logout", withBearer(session.token, { method: "POST" }))).status).toBe(204);
    await expectError(await refresh(tenant.api_key, session.refresh_token), 401, "invalid_grant");
  });

  it("refuses a malformed body with 400 invalid_request", async () => {
    const tenant = await createTenant();
    const response = await issuerFetch("/api/auth/refresh", jsonRequest("POST", { refresh_token: 42 }, { "x-api-key": tenant.api_key }));
    expect((await expectError(response, 400, "invalid_request")).error.field).toBe("refresh_token");
  });
});

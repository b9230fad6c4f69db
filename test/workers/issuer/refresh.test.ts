import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDatabase } from "../../../shared/adapters/neon/database";
import { neonSessionStore } from "../../../shared/adapters/neon/session-store";
import { sha256Hex } from "../../../shared/crypto/hashing";
import type { RotationRequest } from "../../../shared/ports/session-store";
import { newRefreshTokenWithHash } from "../../../workers/issuer/services/session-tokens";
import { createTenant, decodeJwtPart, expectError, issuerFetch, jsonRequest, refresh, signIn, withBearer, type TokenPairBody } from "./support/issuer-client";

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
    const tenant = await createTenant();
    const session = await signIn(tenant);
    const next = await pairOf(await refresh(tenant.api_key, session.refresh_token));
    await expectError(await refresh(tenant.api_key, session.refresh_token), 401, "invalid_grant");
    await expectError(await refresh(tenant.api_key, next.refresh_token), 401, "invalid_grant");
    await expectError(await issuerFetch("/api/auth/me", withBearer(next.token)), 401, "invalid_token");
  });

  it("answers a retry within refresh_reuse_interval_seconds with a pair of the same session, leaving one live token", async () => {
    const tenant = await createTenant({ refresh_reuse_interval_seconds: 30 });
    const session = await signIn(tenant);
    const first = await pairOf(await refresh(tenant.api_key, session.refresh_token));
    const retried = await pairOf(await refresh(tenant.api_key, session.refresh_token));
    expect(decodeJwtPart(retried.token, 1).sid).toBe(decodeJwtPart(session.token, 1).sid);
    // The retry replaced the first successor: it no longer works, and presenting it does not revoke the session.
    await expectError(await refresh(tenant.api_key, first.refresh_token), 401, "invalid_grant");
    await pairOf(await refresh(tenant.api_key, retried.refresh_token));
  });

  it("never leaves two live successors when 6 refreshes of one token race (reuse interval 0: the losers revoke)", async () => {
    const tenant = await createTenant();
    const session = await signIn(tenant);
    const responses = await Promise.all(Array.from({ length: 6 }, () => refresh(tenant.api_key, session.refresh_token)));
    const winners = responses.filter((response) => response.status === 200);
    expect(winners).toHaveLength(1);
    for (const loser of responses.filter((response) => response.status !== 200)) await expectError(loser, 401, "invalid_grant");
  });

  it("treats a racing refresh whose clock read came before the winner's as reuse, not a retry, when there is no reuse interval", async () => {
    // Racing requests read their clocks in different isolates (or machines): the loser's `now` can precede the winner's spent_at.
    const tenant = await createTenant();
    const session = await signIn(tenant);
    const sessions = neonSessionStore(createDatabase({ url: env.DATABASE_URL, fetchEndpoint: env.NEON_FETCH_ENDPOINT }));
    const presentedHash = await sha256Hex(session.refresh_token);
    const rotation = async (now: Date): Promise<RotationRequest> => ({
      presentedHash,
      successorHash: (await newRefreshTokenWithHash()).hash,
      tenantId: tenant.tenant_id,
      reuseIntervalSeconds: 0,
      now,
      sessionExpiresAt: new Date(now.getTime() + 3_600_000),
      listExpiresAt: new Date(now.getTime() + 3_600_000),
    });
    const winnerNow = new Date();
    expect((await sessions.rotate(await rotation(winnerNow))).kind).toBe("rotated");
    expect((await sessions.rotate(await rotation(new Date(winnerNow.getTime() - 5)))).kind).toBe("reused");
    await expectError(await issuerFetch("/api/auth/me", withBearer(session.token)), 401, "invalid_token");
  });

  it("never leaves two live successors when 6 refreshes race inside the reuse interval", async () => {
    const tenant = await createTenant({ refresh_reuse_interval_seconds: 60 });
    const session = await signIn(tenant);
    const responses = await Promise.all(Array.from({ length: 6 }, () => refresh(tenant.api_key, session.refresh_token)));
    const pairs = await Promise.all(responses.filter((response) => response.status === 200).map(pairOf));
    expect(pairs.length).toBeGreaterThanOrEqual(1);
    // Of all the successors handed out, exactly one still rotates.
    const outcomes = await Promise.all(pairs.map(async (pair) => (await refresh(tenant.api_key, pair.refresh_token)).status));
    expect(outcomes.filter((status) => status === 200)).toHaveLength(1);
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

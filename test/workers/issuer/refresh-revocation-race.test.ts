/**
 * A refresh racing a logout-all or a role change, end to end on whichever backend the run
 * uses (PGlite serialises them; test/dev/neon/refresh-revocation-lock.test.ts drives the exact
 * interleaving on a real PostgreSQL). Whatever the order, nothing the refresh hands out may
 * outlive the revocation.
 */
import { describe, expect, it } from "vitest";
import { adminFetch, createTenant, decodeJwtPart, expectError, issuerFetch, jsonRequest, refresh, signIn, withBearer, type TokenPairBody } from "./support/issuer-client";

describe("a refresh racing a user-wide revocation", () => {
  it("a refresh racing logout-all leaves neither a working access token nor a working refresh token", async () => {
    const tenant = await createTenant();
    const user = await signIn(tenant);
    const [refreshed, loggedOut] = await Promise.all([refresh(tenant.api_key, user.refresh_token), issuerFetch("/api/auth/logout-all", withBearer(user.token, { method: "POST" }))]);
    expect(loggedOut.status).toBe(204);
    if (refreshed.status !== 200) {
      await expectError(refreshed, 401, "invalid_grant");
      return;
    }
    const pair = await refreshed.json<TokenPairBody>();
    await expectError(await issuerFetch("/api/auth/me", withBearer(pair.token)), 401, "invalid_token");
    await expectError(await refresh(tenant.api_key, pair.refresh_token), 401, "invalid_grant");
  });

  it("a refresh racing the removal of a role never leaves a working token that carries the removed role", async () => {
    const tenant = await createTenant({ default_roles: ["user", "admin"] });
    const user = await signIn(tenant);
    const [refreshed, patched] = await Promise.all([refresh(tenant.api_key, user.refresh_token), adminFetch(`/api/admin/users/${user.user_id}`, jsonRequest("PATCH", { roles: ["user"] }))]);
    expect(patched.status).toBe(200);
    expect(refreshed.status).toBe(200);
    const pair = await refreshed.json<TokenPairBody>();
    const me = await issuerFetch("/api/auth/me", withBearer(pair.token));
    const roles = decodeJwtPart(pair.token, 1).roles as string[];
    if (roles.includes("admin")) await expectError(me, 401, "invalid_token");
    else expect(me.status).toBe(200);
  });
});

import { Redis } from "@upstash/redis/cloudflare";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { sessionKey, USER_MARK_MEMBER, userKey } from "../../../shared/domain/revocation-entries";
import { adminFetch, createTenant, decodeJwtPart, expectError, issuerFetch, jsonRequest, signIn, withBearer } from "./support/issuer-client";
import { currentSigningKey, signRawEs256 } from "./support/signing-key";

const redis = new Redis({ url: env.UPSTASH_REDIS_REST_URL, token: env.UPSTASH_REDIS_REST_TOKEN });

function me(token: string): Promise<Response> {
  return issuerFetch("/api/auth/me", withBearer(token));
}

function introspect(secretKey: string, token: string): Promise<Response> {
  return issuerFetch("/api/auth/introspect", withBearer(secretKey, jsonRequest("POST", { token })));
}

describe("POST /api/auth/logout", () => {
  it("revokes the session in Postgres and publishes it to the revocation list for the gate", async () => {
    const tenant = await createTenant();
    const session = await signIn(tenant);
    const sid = decodeJwtPart(session.token, 1).sid as string;
    const response = await issuerFetch("/api/auth/logout", withBearer(session.token, { method: "POST" }));
    expect(response.status).toBe(204);
    expect(await redis.get(sessionKey(sid))).not.toBeNull();
    const ttl = await redis.pttl(sessionKey(sid));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(3600 * 1000 + 60_000);
    await expectError(await me(session.token), 401, "invalid_token");
  });

  it("leaves the user's other sessions alone", async () => {
    const tenant = await createTenant();
    const first = await signIn(tenant);
    const second = await signIn(tenant, first.phone);
    await issuerFetch("/api/auth/logout", withBearer(first.token, { method: "POST" }));
    expect((await me(second.token)).status).toBe(200);
  });

  it("answers 401 invalid_token with WWW-Authenticate without a token, or with garbage", async () => {
    const missing = await issuerFetch("/api/auth/logout", { method: "POST" });
    await expectError(missing, 401, "invalid_token");
    expect(missing.headers.get("WWW-Authenticate")).toMatch(/^Bearer /);
    const garbage = await issuerFetch("/api/auth/logout", withBearer("not.a.jwt", { method: "POST" }));
    await expectError(garbage, 401, "invalid_token");
    expect(garbage.headers.get("WWW-Authenticate")).toMatch(/error="invalid_token"/);
  });

  it("does not accept a refresh token or the tenant's keys as an access token", async () => {
    const tenant = await createTenant();
    const session = await signIn(tenant);
    await expectError(await me(session.refresh_token), 401, "invalid_token");
    await expectError(await me(tenant.secret_key), 401, "invalid_token");
  });
});

describe("POST /api/auth/logout-all", () => {
  it("revokes every session of the user and publishes an issued-before mark", async () => {
    const tenant = await createTenant();
    const first = await signIn(tenant);
    const second = await signIn(tenant, first.phone);
    expect((await issuerFetch("/api/auth/logout-all", withBearer(second.token, { method: "POST" }))).status).toBe(204);
    await expectError(await me(first.token), 401, "invalid_token");
    await expectError(await me(second.token), 401, "invalid_token");
    const mark = Number(await redis.zscore(userKey(first.user_id), USER_MARK_MEMBER));
    expect(mark).toBeGreaterThanOrEqual(decodeJwtPart(second.token, 1).iat as number);
    // A new sign-in after logout-all works.
    const third = await signIn(tenant, first.phone);
    expect((await me(third.token)).status).toBe(200);
  });

  it("refuses a body: the request has none", async () => {
    const tenant = await createTenant();
    const session = await signIn(tenant);
    const response = await issuerFetch("/api/auth/logout-all", withBearer(session.token, jsonRequest("POST", { everything: true })));
    expect(response.status).toBe(400);
    expect((await me(session.token)).status).toBe(200);
  });
});

describe("/api/auth/me", () => {
  it("returns the profile of the token's user", async () => {
    const tenant = await createTenant();
    const session = await signIn(tenant);
    const response = await me(session.token);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      user_id: session.user_id,
      tenant_id: tenant.tenant_id,
      phone: session.phone,
      email: null,
      email_verified: false,
      has_password: false,
      roles: ["user"],
      metadata: {},
      created_at: expect.stringMatching(/Z$/),
      mfa: { totp: false, passkeys: 0, recovery_codes_remaining: 0 },
      identities: [],
    });
  });

  it("updates metadata, starts an email change that waits for its proof, and refuses other fields", async () => {
    const tenant = await createTenant();
    const session = await signIn(tenant);
    const address = `ada-${crypto.randomUUID()}@example.com`;
    const patched = await issuerFetch("/api/auth/me", withBearer(session.token, jsonRequest("PATCH", { email: address, metadata: { theme: "dark" } })));
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ email: null, pending_email: address, metadata: { theme: "dark" } });
    const roles = await issuerFetch("/api/auth/me", withBearer(session.token, jsonRequest("PATCH", { roles: ["admin"] })));
    await expectError(roles, 400, "invalid_request");
    const badEmail = await issuerFetch("/api/auth/me", withBearer(session.token, jsonRequest("PATCH", { email: "not an email" })));
    await expectError(badEmail, 400, "invalid_email");
    expect(await (await me(session.token)).json()).toMatchObject({ roles: ["user"], email: null, metadata: { theme: "dark" } });
  });
});

describe("one strict reading of access tokens, the gate's", () => {
  /** A token the issuer's own key signed, whose payload names `roles` twice: a lenient parser takes the last. */
  async function duplicateClaimToken(token: string): Promise<string> {
    const key = await currentSigningKey();
    const payload = JSON.stringify(decodeJwtPart(token, 1)).replace(/^\{/, '{"roles":["admin"],');
    return signRawEs256(key.privateKey, JSON.stringify({ alg: "ES256", kid: key.kid, typ: "at+jwt" }), payload);
  }

  it("GET /api/auth/me refuses a token with a duplicate claim (401 invalid_token), as the gate does", async () => {
    const session = await signIn(await createTenant());
    const forged = await duplicateClaimToken(session.token);
    const response = await me(forged);
    await expectError(response, 401, "invalid_token");
    expect(response.headers.get("WWW-Authenticate")).toMatch(/^Bearer /);
    // The control: the same key and claims without the duplicate pass.
    const key = await currentSigningKey();
    const clean = await signRawEs256(key.privateKey, JSON.stringify({ alg: "ES256", kid: key.kid, typ: "at+jwt" }), JSON.stringify(decodeJwtPart(session.token, 1)));
    expect((await me(clean)).status).toBe(200);
  });

  it("introspection calls a token with a duplicate claim inactive", async () => {
    const tenant = await createTenant();
    const session = await signIn(tenant);
    expect(await (await introspect(tenant.secret_key, await duplicateClaimToken(session.token))).json()).toEqual({ active: false });
  });
});

describe("POST /api/auth/introspect (RFC 7662)", () => {
  it("describes a live token of the tenant", async () => {
    const tenant = await createTenant();
    const session = await signIn(tenant);
    const response = await introspect(tenant.secret_key, session.token);
    expect(response.status).toBe(200);
    const claims = decodeJwtPart(session.token, 1);
    expect(await response.json()).toEqual({
      active: true,
      sub: session.user_id,
      tid: tenant.tenant_id,
      sid: claims.sid,
      roles: ["user"],
      iss: claims.iss,
      aud: claims.aud,
      exp: claims.exp,
      iat: claims.iat,
      jti: claims.jti,
      auth_time: claims.auth_time,
      amr: ["sms"],
    });
  });

  it("is {active:false} for another tenant's token, a revoked token, a refresh token and garbage", async () => {
    const tenant = await createTenant();
    const other = await createTenant();
    const session = await signIn(tenant);
    const inactive = { active: false };
    expect(await (await introspect(other.secret_key, session.token)).json()).toEqual(inactive);
    expect(await (await introspect(tenant.secret_key, session.refresh_token)).json()).toEqual(inactive);
    expect(await (await introspect(tenant.secret_key, "eyJhbGciOiJub25lIn0.e30.")).json()).toEqual(inactive);
    await issuerFetch("/api/auth/logout", withBearer(session.token, { method: "POST" }));
    expect(await (await introspect(tenant.secret_key, session.token)).json()).toEqual(inactive);
  });

  it("answers with the user's roles as they are now, not the roles the token was minted with", async () => {
    const tenant = await createTenant();
    const session = await signIn(tenant);
    const granted = await adminFetch(`/api/admin/users/${session.user_id}`, jsonRequest("PATCH", { roles: ["user", "support"] }));
    expect(granted.status).toBe(200);
    expect(decodeJwtPart(session.token, 1).roles).toEqual(["user"]);
    expect(await (await introspect(tenant.secret_key, session.token)).json()).toMatchObject({ active: true, roles: ["user", "support"] });
  });

  it("is {active:false} for a disabled user's token", async () => {
    const tenant = await createTenant();
    const session = await signIn(tenant);
    const disabled = await adminFetch(`/api/admin/users/${session.user_id}`, jsonRequest("PATCH", { disabled: true }));
    expect(disabled.status).toBe(200);
    expect(await (await introspect(tenant.secret_key, session.token)).json()).toEqual({ active: false });
  });

  it("needs the tenant's secret key: the publishable key or nothing is 401 invalid_api_key", async () => {
    const tenant = await createTenant();
    const session = await signIn(tenant);
    await expectError(await introspect(tenant.api_key, session.token), 401, "invalid_api_key");
    await expectError(await issuerFetch("/api/auth/introspect", jsonRequest("POST", { token: session.token })), 401, "invalid_api_key");
  });
});

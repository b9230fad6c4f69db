import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { upstashRevocationReader } from "../../../shared/adapters/upstash/revocation-reader";
import { issuerDeps } from "../../../workers/issuer/deps";
import { awaitMail, changePassword, emailInbox, login, passwordUser, strongPassword, type SessionBody } from "./support/accounts-client";
import { adminFetch, createTenant, decodeJwtPart, expectError, freshIp, issuerFetch, jsonRequest, refresh, signIn, withBearer } from "./support/issuer-client";
import { enrolTotp, insertPasskey, sessionToken } from "./support/second-factors";

const deps = issuerDeps(env);

describe("POST /api/auth/password", () => {
  it("answers 204, keeps the caller's session and revokes every other one (refresh and access token)", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    const other = await (await login(tenant.api_key, user.email, user.password)).json<SessionBody>();
    const next = strongPassword();
    const response = await changePassword(user.token, { current_password: user.password, new_password: next });
    expect(response.status).toBe(204);
    expect(await response.text()).toBe("");

    expect((await issuerFetch("/api/auth/me", withBearer(user.token))).status).toBe(200);
    expect((await refresh(tenant.api_key, user.refresh_token)).status).toBe(200);
    await expectError(await issuerFetch("/api/auth/me", withBearer(other.token)), 401, "invalid_token");
    await expectError(await refresh(tenant.api_key, other.refresh_token), 401, "invalid_grant");

    await expectError(await login(tenant.api_key, user.email, user.password), 401, "invalid_credentials");
    expect((await login(tenant.api_key, user.email, next)).status).toBe(200);
    await awaitMail(user.email, /password was changed/);
  });

  it("publishes the other sessions' revocations to the gate's list, and nothing that would end the caller's own", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    const other = await (await login(tenant.api_key, user.email, user.password)).json<SessionBody>();
    expect((await changePassword(user.token, { current_password: user.password, new_password: strongPassword() })).status).toBe(204);
    const reader = upstashRevocationReader(deps.config.redis);
    const sid = (token: string) => String(decodeJwtPart(token, 1).sid);
    expect(await reader.lookup(sid(other.token), user.user_id)).toEqual({ sessionRevoked: true, userRevokedBefore: null });
    expect(await reader.lookup(sid(user.token), user.user_id)).toEqual({ sessionRevoked: false, userRevokedBefore: null });
  });

  it("refuses a wrong current password with 401 invalid_credentials and changes nothing", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    const other = await (await login(tenant.api_key, user.email, user.password)).json<SessionBody>();
    await expectError(await changePassword(user.token, { current_password: "not the password", new_password: strongPassword() }), 401, "invalid_credentials");
    expect((await login(tenant.api_key, user.email, user.password)).status).toBe(200);
    expect((await issuerFetch("/api/auth/me", withBearer(other.token))).status).toBe(200);
  });

  it("runs the current-password check through the login throttle: guessing it locks like logins do", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    const ip = freshIp();
    const guess = (current: string) => issuerFetch("/api/auth/password", jsonRequest("POST", { current_password: current, new_password: strongPassword() }, { Authorization: `Bearer ${user.token}`, "CF-Connecting-IP": ip }));
    for (let i = 0; i < 5; i++) await expectError(await guess(`guess ${i}`), 401, "invalid_credentials");
    const locked = await guess(user.password);
    await expectError(locked, 429, "too_many_attempts");
    expect(locked.headers.get("Retry-After")).not.toBeNull();
    // The same lock holds for a login from that network.
    await expectError(await login(tenant.api_key, user.email, user.password, ip), 429, "too_many_attempts");
  });

  it("requires current_password when the account has one: missing is 400 invalid_request", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    const body = await expectError(await changePassword(user.token, { new_password: strongPassword() }), 400, "invalid_request");
    expect(body.error.field).toBe("current_password");
  });

  it("lets a phone user add a password without a current one, then refuses a second change without it", async () => {
    const tenant = await createTenant();
    const phoneUser = await signIn(tenant);
    const first = strongPassword();
    expect((await changePassword(phoneUser.token, { new_password: first })).status).toBe(204);
    expect((await deps.accounts.findCredential(phoneUser.user_id))?.passwordHash).toMatch(/^\$argon2id\$/);
    await expectError(await changePassword(phoneUser.token, { new_password: strongPassword() }), 400, "invalid_request");
    expect((await changePassword(phoneUser.token, { current_password: first, new_password: strongPassword() })).status).toBe(204);
  });

  it.each([
    ["too_short", "tiny"],
    ["breached", "iloveyou"],
  ])("refuses a %s new password with 400 weak_password", async (reason, password) => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    expect((await expectError(await changePassword(user.token, { current_password: user.password, new_password: password }), 400, "weak_password")).error.reason).toBe(reason);
    expect((await login(tenant.api_key, user.email, user.password)).status).toBe(200);
  });

  it("refuses the account's own address as the new password (matches_email)", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    expect((await expectError(await changePassword(user.token, { current_password: user.password, new_password: user.email }), 400, "weak_password")).error.reason).toBe("matches_email");
  });

  it("needs a live access token: none is 401, a revoked one is 401", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    await expectError(await issuerFetch("/api/auth/password", jsonRequest("POST", { new_password: strongPassword() })), 401, "invalid_token");
    expect((await issuerFetch("/api/auth/logout", withBearer(user.token, { method: "POST" }))).status).toBe(204);
    await expectError(await changePassword(user.token, { current_password: user.password, new_password: strongPassword() }), 401, "invalid_token");
  });

  it("is 403 sign_in_method_disabled when the tenant has no password sign-in", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    expect((await adminFetch(`/api/admin/tenants/${tenant.tenant_id}`, jsonRequest("PATCH", { settings: { sign_in_methods: ["phone_otp", "email_otp"] } }))).status).toBe(200);
    await expectError(await changePassword(user.token, { current_password: user.password, new_password: strongPassword() }), 403, "sign_in_method_disabled");
  });

  it.each([
    ["a new password that is not text", { new_password: 12345678 }, "new_password"],
    ["an unknown field", { new_password: "a fine new password", confirm: "a fine new password" }, "confirm"],
  ])("refuses %s with 400 invalid_request", async (_label, body, field) => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    expect((await expectError(await changePassword(user.token, body), 400, "invalid_request")).error.field).toBe(field);
    expect(await emailInbox(user.email)).toHaveLength(1);
  });

  describe("when the user has a second factor", () => {
    it("answers a password-only token with the RFC 9470 challenge: a stolen session and the password do not change it", async () => {
      const tenant = await createTenant();
      const user = await passwordUser(tenant);
      await enrolTotp(user.token);
      const refused = await changePassword(user.token, { current_password: user.password, new_password: strongPassword() });
      await expectError(refused, 401, "insufficient_user_authentication");
      expect(refused.headers.get("WWW-Authenticate")).toMatch(/^Bearer error="insufficient_user_authentication", error_description="[^"]+", max_age=300$/);
      expect((await login(tenant.api_key, user.email, user.password)).status).toBe(200);
    });

    it("answers the challenge when the only second factor is a passkey", async () => {
      const tenant = await createTenant();
      const user = await passwordUser(tenant);
      await insertPasskey({ tenantId: tenant.tenant_id, userId: user.user_id });
      await expectError(await changePassword(user.token, { current_password: user.password, new_password: strongPassword() }), 401, "insufficient_user_authentication");
    });

    it("answers the challenge to a two-factor sign-in older than five minutes", async () => {
      const tenant = await createTenant();
      const user = await passwordUser(tenant);
      await enrolTotp(user.token);
      const stale = await sessionToken(tenant, user.user_id, { signedInSecondsAgo: 600 });
      await expectError(await changePassword(stale.token, { current_password: user.password, new_password: strongPassword() }), 401, "insufficient_user_authentication");
    });

    it("changes it after a recent two-factor sign-in", async () => {
      const tenant = await createTenant();
      const user = await passwordUser(tenant);
      await enrolTotp(user.token);
      const strong = await sessionToken(tenant, user.user_id);
      const next = strongPassword();
      expect((await changePassword(strong.token, { current_password: user.password, new_password: next })).status).toBe(204);
      expect((await login(tenant.api_key, user.email, next)).status).toBe(200);
    });
  });
});

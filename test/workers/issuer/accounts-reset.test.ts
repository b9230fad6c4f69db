import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { newLinkToken } from "../../../shared/crypto/link-token";
import { upstashRevocationReader } from "../../../shared/adapters/upstash/revocation-reader";
import { issuerDeps } from "../../../workers/issuer/deps";
import { AuditRecorder } from "../../../workers/issuer/services/audit-recorder";
import { resetPassword } from "../../../workers/issuer/services/password-reset";
import { accountDeps } from "../../../workers/issuer/routes/accounts";
import { awaitMail, emailInbox, forgot, freshEmail, linkTokens, login, passwordUser, reset, signup, sessionAmr, storedLink, strongPassword, type SessionBody } from "./support/accounts-client";
import { setEmailFault } from "./support/email-sandbox";
import { adminFetch, createTenant, decodeJwtPart, expectError, issuerFetch, jsonRequest, refresh, withBearer } from "./support/issuer-client";

const deps = issuerDeps(env);

/** forgot → the reset mail's token. */
async function resetToken(apiKey: string, email: string, count = 1): Promise<string> {
  const response = await forgot(apiKey, email);
  expect(response.status).toBe(202);
  const [newest] = await awaitMail(email, /Reset your/, count);
  const [token] = linkTokens(newest);
  if (!token) throw new Error("no link in the reset mail");
  return token;
}

describe("POST /api/auth/password/forgot", () => {
  it("answers 202 {} and mails a 30-minute reset link to an account's address", async () => {
    const tenant = await createTenant({ email_branding: "Acme" });
    const user = await passwordUser(tenant);
    const before = Date.now();
    const token = await resetToken(tenant.api_key, user.email);
    const link = await storedLink(token);
    expect(link).toMatchObject({ purpose: "reset_password", userId: user.user_id, tenantId: tenant.tenant_id });
    const lifetime = (link?.expiresAt.getTime() ?? 0) - before;
    expect(lifetime).toBeGreaterThan(29 * 60_000);
    expect(lifetime).toBeLessThanOrEqual(30 * 60_000 + 60_000);
  });

  it("answers an unknown address exactly as a known one, and mails nothing there (enumeration)", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    const nobody = freshEmail();
    const known = await forgot(tenant.api_key, user.email);
    const unknown = await forgot(tenant.api_key, nobody);
    expect([known.status, unknown.status]).toEqual([202, 202]);
    expect(await known.text()).toBe("{}");
    expect(await unknown.text()).toBe("{}");
    await awaitMail(user.email, /Reset your/);
    expect(await emailInbox(nobody)).toEqual([]);
  });

  it("still answers 202 when no provider takes the mail, and audits the failure", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    for (const provider of ["resend", "postmark", "ses"] as const) await setEmailFault(provider, "error_5xx", [user.email]);
    try {
      expect((await forgot(tenant.api_key, user.email)).status).toBe(202);
      await expect.poll(async () => (await auditTypes(tenant.tenant_id)).filter((type) => type === "email.send_failed").length, { timeout: 10_000 }).toBe(1);
    } finally {
      for (const provider of ["resend", "postmark", "ses"] as const) await setEmailFault(provider, "none", [user.email]);
    }
  });

  it("sends at most rate_limit_per_hour reset mails an hour to one address, answering 202 to each request", async () => {
    const tenant = await createTenant({ rate_limit_per_hour: 2 });
    const user = await passwordUser(tenant);
    for (let i = 0; i < 4; i++) expect((await forgot(tenant.api_key, user.email)).status).toBe(202);
    await expect.poll(async () => (await auditTypes(tenant.tenant_id)).filter((type) => type === "auth.rate_limited").length, { timeout: 10_000 }).toBe(2);
    expect((await emailInbox(user.email)).filter((mail) => /Reset your/.test(mail.subject))).toHaveLength(2);
  });

  it("refuses a malformed address with 400 invalid_email, and a tenant without passwords with 403", async () => {
    const tenant = await createTenant();
    await expectError(await forgot(tenant.api_key, "no-at-sign"), 400, "invalid_email");
    const closed = await createTenant({ sign_in_methods: ["phone_otp"] });
    await expectError(await forgot(closed.api_key, freshEmail()), 403, "sign_in_method_disabled");
  });
});

describe("POST /api/auth/password/reset", () => {
  it("sets the new password, opens a pwd session, revokes every other session at once, and sends the notice", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    const token = await resetToken(tenant.api_key, user.email);
    const next = strongPassword();
    const response = await reset(tenant.api_key, token, next);
    expect(response.status).toBe(200);
    const session = await response.json<SessionBody>();
    expect(session).toMatchObject({ user_id: user.user_id, is_new_user: false, token_type: "Bearer" });
    expect(await sessionAmr(session.token)).toEqual(["pwd"]);

    // The old session: its refresh token and its access token are dead.
    await expectError(await refresh(tenant.api_key, user.refresh_token), 401, "invalid_grant");
    await expectError(await issuerFetch("/api/auth/me", withBearer(user.token)), 401, "invalid_token");
    // Published for the gate: a mark that covers the old access token and not the new one.
    const mark = (await upstashRevocationReader(deps.config.redis).lookup(String(decodeJwtPart(user.token, 1).sid), user.user_id)).userRevokedBefore;
    expect(mark).toBeGreaterThan(Number(decodeJwtPart(user.token, 1).iat));
    expect(mark).toBeLessThanOrEqual(Number(decodeJwtPart(session.token, 1).iat));
    // The new one works.
    expect((await issuerFetch("/api/auth/me", withBearer(session.token))).status).toBe(200);
    expect((await refresh(tenant.api_key, session.refresh_token)).status).toBe(200);
    // Old password out, new one in.
    await expectError(await login(tenant.api_key, user.email, user.password), 401, "invalid_credentials");
    expect((await login(tenant.api_key, user.email, next)).status).toBe(200);
    await awaitMail(user.email, /password was changed/);
  });

  it("is single use: the same token again is 401 code_expired", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    const token = await resetToken(tenant.api_key, user.email);
    expect((await reset(tenant.api_key, token, strongPassword())).status).toBe(200);
    await expectError(await reset(tenant.api_key, token, strongPassword()), 401, "code_expired");
  });

  it("lets exactly one of two racing resets with one token win; the other is 401 code_expired", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    const token = await resetToken(tenant.api_key, user.email);
    const [first, second] = [strongPassword(), strongPassword()];
    const answers = await Promise.all([reset(tenant.api_key, token, first), reset(tenant.api_key, token, second)]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 401]);
    const loser = answers.find((answer) => answer.status === 401);
    if (loser) await expectError(loser, 401, "code_expired");
    const winner = answers[0]?.status === 200 ? first : second;
    expect((await login(tenant.api_key, user.email, winner)).status).toBe(200);
  });

  it.each([
    ["too_short", "short"],
    ["breached", "password123"],
    ["too_long", "y".repeat(129)],
  ])("refuses a %s password with 400 weak_password and leaves the link usable", async (reason, password) => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    const token = await resetToken(tenant.api_key, user.email);
    expect((await expectError(await reset(tenant.api_key, token, password), 400, "weak_password")).error.reason).toBe(reason);
    expect((await reset(tenant.api_key, token, strongPassword())).status).toBe(200);
  });

  it("refuses the address as the new password (matches_email), the link still usable", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    const token = await resetToken(tenant.api_key, user.email);
    expect((await expectError(await reset(tenant.api_key, token, user.email), 400, "weak_password")).error.reason).toBe("matches_email");
    expect(await storedLink(token)).not.toBeNull();
  });

  it("refuses a link of another tenant with 401 code_expired and does not spend it", async () => {
    const tenant = await createTenant();
    const other = await createTenant();
    const user = await passwordUser(tenant);
    const token = await resetToken(tenant.api_key, user.email);
    await expectError(await reset(other.api_key, token, strongPassword()), 401, "code_expired");
    expect((await reset(tenant.api_key, token, strongPassword())).status).toBe(200);
  });

  it("refuses an account-exists sign-in link, an unknown token and a replaced one with 401 code_expired", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    expect((await signup(tenant.api_key, user.email, strongPassword())).status).toBe(202);
    const [notice] = await awaitMail(user.email, /already have/);
    const [signInToken] = linkTokens(notice);
    await expectError(await reset(tenant.api_key, signInToken ?? "", strongPassword()), 401, "code_expired");
    expect(await storedLink(signInToken ?? "")).toMatchObject({ purpose: "sign_in" });
    await expectError(await reset(tenant.api_key, (await newLinkToken()).token, strongPassword()), 401, "code_expired");
    const replaced = await resetToken(tenant.api_key, user.email);
    const newest = await resetToken(tenant.api_key, user.email, 2);
    expect(newest).not.toBe(replaced);
    await expectError(await reset(tenant.api_key, replaced, strongPassword()), 401, "code_expired");
  });

  it("verifies the address the link went to: an unverified sign-up resets and logs in", async () => {
    const tenant = await createTenant();
    const address = freshEmail();
    expect((await signup(tenant.api_key, address, strongPassword())).status).toBe(202);
    const token = await resetToken(tenant.api_key, address);
    const next = strongPassword();
    expect((await reset(tenant.api_key, token, next)).status).toBe(200);
    expect((await login(tenant.api_key, address, next)).status).toBe(200);
  });

  it("refuses a disabled user's link with 403 user_disabled and sets nothing", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    const token = await resetToken(tenant.api_key, user.email);
    expect((await adminFetch(`/api/admin/users/${user.user_id}`, jsonRequest("PATCH", { disabled: true }))).status).toBe(200);
    const before = await deps.accounts.findCredential(user.user_id);
    await expectError(await reset(tenant.api_key, token, strongPassword()), 403, "user_disabled");
    expect((await deps.accounts.findCredential(user.user_id))?.passwordHash).toBe(before?.passwordHash);
  });

  it("is 403 sign_in_method_disabled while the tenant has no password sign-in, and leaves the link usable", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    const token = await resetToken(tenant.api_key, user.email);
    const methods = (sign_in_methods: string[]) => adminFetch(`/api/admin/tenants/${tenant.tenant_id}`, jsonRequest("PATCH", { settings: { sign_in_methods } }));
    expect((await methods(["phone_otp", "email_otp"])).status).toBe(200);
    await expectError(await reset(tenant.api_key, token, strongPassword()), 403, "sign_in_method_disabled");
    expect((await methods(["phone_otp", "email_otp", "password"])).status).toBe(200);
    expect((await reset(tenant.api_key, token, strongPassword())).status).toBe(200);
  });

  it.each([
    ["a token that is not a link token", { token: "abc", password: "a fine new password" }, "token"],
    ["a password that is not text", { token: "A".repeat(43), password: 42 }, "password"],
    ["an unknown field", { token: "A".repeat(43), password: "a fine new password", email: "x@example.org" }, "email"],
  ])("refuses %s with 400 invalid_request", async (_label, body, field) => {
    const tenant = await createTenant();
    const response = await issuerFetch("/api/auth/password/reset", jsonRequest("POST", body, { "x-api-key": tenant.api_key }));
    expect((await expectError(response, 400, "invalid_request")).error.field).toBe(field);
  });

  it("completes from the hosted page without a tenant key (tenant: null), finding the tenant from the token", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    const token = await resetToken(tenant.api_key, user.email);
    const audit = new AuditRecorder(deps.auditLog, deps.auditSpool, { requestId: "req_page", ip: null, network: "unknown", userAgent: null, country: null }, deps.logger);
    const next = strongPassword();
    const result = await resetPassword(accountDeps(deps), audit, { requestId: "req_page", ip: null, network: "unknown", userAgent: null, country: null }, { token, password: next, tenant: null });
    expect(result).toMatchObject({ ok: true, value: { user_id: user.user_id } });
    await audit.flush();
    expect((await login(tenant.api_key, user.email, next)).status).toBe(200);
  });
});

async function auditTypes(tenantId: string): Promise<string[]> {
  const response = await adminFetch(`/api/admin/audit?tenant_id=${tenantId}&limit=100`);
  return (await response.json<{ events: { type: string }[] }>()).events.map((event) => event.type);
}

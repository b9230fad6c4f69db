import { describe, expect, it } from "vitest";
import { MFA_TOKEN_MAX_ATTEMPTS, MFA_TOKEN_TTL_SECONDS } from "../../../shared/domain/mfa-ticket";
import { awaitMail, forgot, freshEmail, linkTokens, login, passwordUser, reset, sessionAmr, signup, strongPassword, type SessionBody } from "./support/accounts-client";
import { useEmailedLink, requestedEmail, verifyEmailCode, verifyEmailToken } from "./support/email-client";
import { adminFetch, createTenant, decodeJwtPart, expectError, freshPhone, issuerFetch, jsonRequest, latestCode, refresh, requestCode, signIn, verifyCode, withBearer, type TenantCredentials } from "./support/issuer-client";
import { decodeTotpSecret } from "../../../shared/crypto/totp";
import { storeActiveTotp } from "./support/second-factors";
import { codeAt, enrolTotp, expectMfaRequired, expireTicket, mfaVerify, storedTicket, type EnrolledTotp } from "./support/mfa-client";

/** An active TOTP factor with its recovery codes, written through the issuer's store. */
async function activeTotp(tenant: TenantCredentials, userId: string): Promise<EnrolledTotp> {
  const stored = await storeActiveTotp({ tenantId: tenant.tenant_id, userId });
  const secret = decodeTotpSecret(stored.secret);
  if (secret === null) throw new Error("the store handed back a secret that is not base32");
  return { secret, recoveryCodes: stored.recoveryCodes };
}

/** A verified password user with an active TOTP factor. */
async function totpUser(tenant: TenantCredentials): Promise<{ email: string; password: string; userId: string; totp: EnrolledTotp }> {
  const user = await passwordUser(tenant);
  return { email: user.email, password: user.password, userId: user.user_id, totp: await activeTotp(tenant, user.user_id) };
}

/** A password login that must stop at the second step. */
async function firstFactor(tenant: TenantCredentials, user: { email: string; password: string }): Promise<string> {
  return (await expectMfaRequired(await login(tenant.api_key, user.email, user.password))).mfa_token;
}

async function sessionBody(response: Response): Promise<SessionBody> {
  const text = await response.text();
  expect(response.status, text).toBe(200);
  return JSON.parse(text) as SessionBody;
}

async function auditOf(tenantId: string): Promise<{ type: string; outcome: string; user_id: string | null; details: Record<string, unknown> }[]> {
  const response = await adminFetch(`/api/admin/audit?tenant_id=${tenantId}&limit=100`);
  return (await response.json<{ events: { type: string; outcome: string; user_id: string | null; details: Record<string, unknown> }[] }>()).events;
}

describe("every first factor answers mfa_required for a user with a second factor", () => {
  it("password login: mfa_required, mfa_token and the user's methods, no session", async () => {
    const tenant = await createTenant();
    const user = await totpUser(tenant);
    const body = await expectMfaRequired(await login(tenant.api_key, user.email, user.password));
    expect(body).toEqual({ mfa_required: true, mfa_token: body.mfa_token, methods: ["totp", "recovery_code"], expires_in: MFA_TOKEN_TTL_SECONDS });
    const events = await auditOf(tenant.tenant_id);
    expect(events.find((event) => event.type === "auth.mfa_required")).toMatchObject({ user_id: user.userId, details: { amr: ["pwd"], methods: ["totp", "recovery_code"] } });
    expect(JSON.stringify(events)).not.toContain(body.mfa_token);
  });

  it("phone code: mfa_required for a phone user who enrolled TOTP", async () => {
    const tenant = await createTenant();
    const first = await signIn(tenant);
    await activeTotp(tenant, first.user_id);
    expect((await requestCode(tenant.api_key, first.phone)).status).toBe(202);
    const body = await expectMfaRequired(await verifyCode(tenant.api_key, first.phone, await latestCode(first.phone)));
    expect(body.methods).toEqual(["totp", "recovery_code"]);
  });

  it("email code and email link: mfa_required, each", async () => {
    const tenant = await createTenant();
    const user = await totpUser(tenant);
    const byCode = await requestedEmail(tenant, user.email);
    await expectMfaRequired(await verifyEmailCode(tenant.api_key, user.email, byCode.code));
    const byLink = await requestedEmail(tenant, user.email);
    await expectMfaRequired(await verifyEmailToken(tenant.api_key, byLink.token));
  });

  it("email link on the link page: the app gets the second step in the fragment, never a session", async () => {
    const tenant = await createTenant({ redirect_uris: ["https://app.example.com/after"] });
    const user = await totpUser(tenant);
    const { token } = await requestedEmail(tenant, user.email);
    const done = (await useEmailedLink(token)).response;
    expect(done.status).toBe(303);
    const location = new URL(done.headers.get("Location") ?? "");
    expect(`${location.origin}${location.pathname}`).toBe("https://app.example.com/after");
    const fragment = new URLSearchParams(location.hash.slice(1));
    expect(fragment.get("mfa_required")).toBe("true");
    expect(fragment.get("methods")).toBe("totp,recovery_code");
    expect(fragment.has("access_token")).toBe(false);
    const verified = await mfaVerify(tenant.api_key, { mfa_token: fragment.get("mfa_token"), method: "totp", code: await codeAt(user.totp.secret) });
    expect(decodeJwtPart((await sessionBody(verified)).token, 1)).toMatchObject({ amr: ["otp", "mfa"] });
  });

  it("password reset: the link proves only the mailbox, so it answers mfa_required, still revokes the other sessions and spends the link", async () => {
    const tenant = await createTenant();
    const user = await totpUser(tenant);
    const verified = await mfaVerify(tenant.api_key, { mfa_token: await firstFactor(tenant, user), method: "totp", code: await codeAt(user.totp.secret, 1) });
    const session = await sessionBody(verified);
    expect((await forgot(tenant.api_key, user.email)).status).toBe(202);
    const [mail] = await awaitMail(user.email, /Reset your/);
    const token = linkTokens(mail)[0] ?? "";
    const next = strongPassword();
    await expectMfaRequired(await reset(tenant.api_key, token, next));
    await expectError(await refresh(tenant.api_key, session.refresh_token), 401, "invalid_grant");
    await expectError(await reset(tenant.api_key, token, strongPassword()), 401, "code_expired");
    await expectMfaRequired(await login(tenant.api_key, user.email, next));
  });

  it("a user without a factor, on a tenant with mfa optional, still gets a session at once", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    expect(await sessionAmr(user.token)).toEqual(["pwd"]);
  });
});

describe("POST /api/auth/mfa/verify", () => {
  it("opens a session with a TOTP code: the sign-in shape, amr pwd+otp+mfa, auth_time the second factor's moment", async () => {
    const tenant = await createTenant();
    const user = await totpUser(tenant);
    const mfaToken = await firstFactor(tenant, user);
    const before = Math.floor(Date.now() / 1000);
    const body = await sessionBody(await mfaVerify(tenant.api_key, { mfa_token: mfaToken, method: "totp", code: await codeAt(user.totp.secret, 1) }));
    expect(body).toEqual({ token: expect.any(String), refresh_token: expect.any(String), token_type: "Bearer", expires_in: expect.any(Number), user_id: user.userId, is_new_user: false });
    const claims = decodeJwtPart(body.token, 1);
    expect(claims).toMatchObject({ sub: user.userId, amr: ["otp", "pwd", "mfa"] });
    expect(claims.auth_time).toBeGreaterThanOrEqual(before);
    expect(await sessionAmr(body.token)).toEqual(["otp", "pwd", "mfa"]);
  });

  it("opens a session with a recovery code, once: the same code cannot sign in twice", async () => {
    const tenant = await createTenant();
    const user = await totpUser(tenant);
    const code = user.totp.recoveryCodes[0] ?? "";
    const body = await sessionBody(await mfaVerify(tenant.api_key, { mfa_token: await firstFactor(tenant, user), method: "recovery_code", code }));
    expect(decodeJwtPart(body.token, 1)).toMatchObject({ amr: ["otp", "pwd", "mfa"] });
    const again = await expectError(await mfaVerify(tenant.api_key, { mfa_token: await firstFactor(tenant, user), method: "recovery_code", code }), 401, "invalid_code");
    expect(again.error.attempts_remaining).toBe(MFA_TOKEN_MAX_ATTEMPTS - 1);
  });

  it("guessing: five wrong codes end the token, after which even the right code is mfa_token_expired", async () => {
    const tenant = await createTenant();
    const user = await totpUser(tenant);
    const mfaToken = await firstFactor(tenant, user);
    const right = await codeAt(user.totp.secret, 1);
    const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, "0");
    const remaining: unknown[] = [];
    for (let attempt = 0; attempt < MFA_TOKEN_MAX_ATTEMPTS; attempt++) {
      remaining.push((await expectError(await mfaVerify(tenant.api_key, { mfa_token: mfaToken, method: "totp", code: wrong }), 401, "invalid_code")).error.attempts_remaining);
    }
    expect(remaining).toEqual([4, 3, 2, 1, 0]);
    await expectError(await mfaVerify(tenant.api_key, { mfa_token: mfaToken, method: "totp", code: right }), 401, "mfa_token_expired");
    const failures = (await auditOf(tenant.tenant_id)).filter((event) => event.type === "mfa.verify_failed");
    expect(failures).toHaveLength(MFA_TOKEN_MAX_ATTEMPTS + 1);
    expect(JSON.stringify(failures)).not.toContain(wrong);
  });

  it("replaying a used mfa_token is mfa_token_expired, even with another valid factor", async () => {
    const tenant = await createTenant();
    const user = await totpUser(tenant);
    const mfaToken = await firstFactor(tenant, user);
    await sessionBody(await mfaVerify(tenant.api_key, { mfa_token: mfaToken, method: "totp", code: await codeAt(user.totp.secret, 1) }));
    await expectError(await mfaVerify(tenant.api_key, { mfa_token: mfaToken, method: "recovery_code", code: user.totp.recoveryCodes[1] }), 401, "mfa_token_expired");
    expect(await storedTicket(mfaToken)).toBeUndefined();
  });

  it("an mfa_token older than five minutes is mfa_token_expired, and the code is not spent", async () => {
    const tenant = await createTenant();
    const user = await totpUser(tenant);
    const mfaToken = await firstFactor(tenant, user);
    await expireTicket(mfaToken);
    const code = user.totp.recoveryCodes[2] ?? "";
    await expectError(await mfaVerify(tenant.api_key, { mfa_token: mfaToken, method: "recovery_code", code }), 401, "mfa_token_expired");
    await sessionBody(await mfaVerify(tenant.api_key, { mfa_token: await firstFactor(tenant, user), method: "recovery_code", code }));
  });

  it("racing five verifies with the same valid recovery code: exactly one session", async () => {
    const tenant = await createTenant();
    const user = await totpUser(tenant);
    const mfaToken = await firstFactor(tenant, user);
    const code = user.totp.recoveryCodes[3] ?? "";
    const answers = await Promise.all(Array.from({ length: 5 }, () => mfaVerify(tenant.api_key, { mfa_token: mfaToken, method: "recovery_code", code })));
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status === 401)).toHaveLength(4);
  });

  it("racing five verifies with the same valid TOTP code: exactly one session", async () => {
    const tenant = await createTenant();
    const user = await totpUser(tenant);
    const mfaToken = await firstFactor(tenant, user);
    const code = await codeAt(user.totp.secret, 1);
    const answers = await Promise.all(Array.from({ length: 5 }, () => mfaVerify(tenant.api_key, { mfa_token: mfaToken, method: "totp", code })));
    expect(answers.map((answer) => answer.status).filter((status) => status === 200)).toHaveLength(1);
  });

  it("another tenant's api key cannot use the token: mfa_token_expired, and the attempt counts against it", async () => {
    const tenant = await createTenant();
    const other = await createTenant();
    const user = await totpUser(tenant);
    const mfaToken = await firstFactor(tenant, user);
    await expectError(await mfaVerify(other.api_key, { mfa_token: mfaToken, method: "totp", code: await codeAt(user.totp.secret, 1) }), 401, "mfa_token_expired");
    expect((await storedTicket(mfaToken))?.attemptsLeft).toBe(MFA_TOKEN_MAX_ATTEMPTS - 1);
    await sessionBody(await mfaVerify(tenant.api_key, { mfa_token: mfaToken, method: "totp", code: await codeAt(user.totp.secret, 1) }));
  });

  it("one user's mfa_token cannot be completed with another user's code", async () => {
    const tenant = await createTenant();
    const victim = await totpUser(tenant);
    const attacker = await totpUser(tenant);
    const victimToken = await firstFactor(tenant, victim);
    await expectError(await mfaVerify(tenant.api_key, { mfa_token: victimToken, method: "totp", code: await codeAt(attacker.totp.secret, 1) }), 401, "invalid_code");
    await expectError(await mfaVerify(tenant.api_key, { mfa_token: victimToken, method: "recovery_code", code: attacker.totp.recoveryCodes[0] }), 401, "invalid_code");
  });

  it("a made-up or malformed mfa_token is mfa_token_expired; a malformed body is 400 and counts nothing", async () => {
    const tenant = await createTenant();
    const user = await totpUser(tenant);
    await expectError(await mfaVerify(tenant.api_key, { mfa_token: `mfa_${"a".repeat(32)}`, method: "totp", code: "123456" }), 401, "mfa_token_expired");
    await expectError(await mfaVerify(tenant.api_key, { mfa_token: "not a token", method: "totp", code: "123456" }), 401, "mfa_token_expired");
    const mfaToken = await firstFactor(tenant, user);
    await expectError(await mfaVerify(tenant.api_key, { mfa_token: mfaToken, method: "totp", code: "12345" }), 400, "invalid_request");
    await expectError(await mfaVerify(tenant.api_key, { mfa_token: mfaToken, method: "sms", code: "123456" }), 400, "invalid_request");
    await expectError(await mfaVerify(tenant.api_key, { mfa_token: mfaToken, method: "totp" }), 400, "invalid_request");
    await expectError(await mfaVerify(tenant.api_key, { mfa_token: mfaToken, method: "passkey", code: "123456" }), 400, "invalid_request");
    await expectError(await mfaVerify(tenant.api_key, { mfa_token: mfaToken, method: "totp", code: "123456", extra: 1 }), 400, "invalid_request");
    expect((await storedTicket(mfaToken))?.attemptsLeft).toBe(MFA_TOKEN_MAX_ATTEMPTS);
  });

  it("keeps both factors' amr and the second factor's auth_time through refresh", async () => {
    const tenant = await createTenant();
    const user = await totpUser(tenant);
    const body = await sessionBody(await mfaVerify(tenant.api_key, { mfa_token: await firstFactor(tenant, user), method: "totp", code: await codeAt(user.totp.secret, 1) }));
    const refreshed = await refresh(tenant.api_key, body.refresh_token);
    expect(refreshed.status).toBe(200);
    const next = await refreshed.json<{ token: string }>();
    expect(decodeJwtPart(next.token, 1)).toMatchObject({ amr: ["otp", "pwd", "mfa"], auth_time: decodeJwtPart(body.token, 1).auth_time });
  });
});

describe("tenant mfa settings", () => {
  it("mfa off: a user who enrolled TOTP signs in with the first factor alone (amr without mfa)", async () => {
    const tenant = await createTenant();
    const user = await totpUser(tenant);
    expect((await adminFetch(`/api/admin/tenants/${tenant.tenant_id}`, jsonRequest("PATCH", { settings: { mfa: "off" } }))).status).toBe(200);
    const body = await sessionBody(await login(tenant.api_key, user.email, user.password));
    expect(decodeJwtPart(body.token, 1)).toMatchObject({ amr: ["pwd"] });
  });

  it("mfa required, no factor yet: the first factor asks for an enrolment, the mfa_token enrols TOTP and the confirmation opens an mfa session", async () => {
    const tenant = await createTenant({ mfa: "required", email_verification_required: false });
    const email = freshEmail();
    const password = strongPassword();
    const signedUp = await expectMfaRequired(await signup(tenant.api_key, email, password));
    expect(signedUp).toEqual({ mfa_required: true, mfa_token: signedUp.mfa_token, methods: [], expires_in: MFA_TOKEN_TTL_SECONDS, enrollment_required: true, enroll: ["totp", "passkey"] });
    const enrolled = await enrolTotp(signedUp.mfa_token);
    expect(enrolled.confirmed).toMatchObject({ recovery_codes: expect.any(Array), token: expect.any(String), refresh_token: expect.any(String), token_type: "Bearer", is_new_user: true });
    const token = String(enrolled.confirmed.token);
    expect(decodeJwtPart(token, 1)).toMatchObject({ amr: ["otp", "pwd", "mfa"] });
    // Spent by the enrolment: it can neither enrol again nor verify.
    await expectError(await issuerFetch("/api/auth/mfa/totp", withBearer(signedUp.mfa_token, { method: "POST" })), 401, "mfa_token_expired");
    // From now on the user has a factor: the next sign-in is an ordinary second step.
    const next = await expectMfaRequired(await login(tenant.api_key, email, password));
    expect(next.methods).toEqual(["totp", "recovery_code"]);
  });

  it("mfa required: a new phone user is created without a session and must enrol first", async () => {
    const tenant = await createTenant({ mfa: "required" });
    const phone = freshPhone();
    expect((await requestCode(tenant.api_key, phone)).status).toBe(202);
    const body = await expectMfaRequired(await verifyCode(tenant.api_key, phone, await latestCode(phone)));
    expect(body).toMatchObject({ methods: [], enrollment_required: true });
    const enrolled = await enrolTotp(body.mfa_token);
    expect(decodeJwtPart(String(enrolled.confirmed.token), 1)).toMatchObject({ amr: ["sms", "otp", "mfa"] });
  });

  it("mfa required: a new address signing in by email code is created verified, without a session, and must enrol first", async () => {
    const tenant = await createTenant({ mfa: "required" });
    const email = freshEmail();
    const { code } = await requestedEmail(tenant, email);
    const body = await expectMfaRequired(await verifyEmailCode(tenant.api_key, email, code));
    expect(body).toMatchObject({ methods: [], enrollment_required: true });
    const enrolled = await enrolTotp(body.mfa_token);
    expect(enrolled.confirmed).toMatchObject({ is_new_user: true });
    expect(decodeJwtPart(String(enrolled.confirmed.token), 1)).toMatchObject({ amr: ["otp", "mfa"] });
  });

  it("an mfa_token of a user who has a factor cannot enrol another (a first factor alone must not add a factor)", async () => {
    const tenant = await createTenant({ mfa: "required", email_verification_required: false });
    const email = freshEmail();
    const password = strongPassword();
    const signedUp = await expectMfaRequired(await signup(tenant.api_key, email, password));
    await enrolTotp(signedUp.mfa_token);
    const stolen = await expectMfaRequired(await login(tenant.api_key, email, password));
    expect(stolen.enrollment_required).toBeUndefined();
    await expectError(await issuerFetch("/api/auth/mfa/totp", withBearer(stolen.mfa_token, { method: "POST" })), 401, "invalid_token");
    await expectError(await issuerFetch("/api/auth/passkeys/register/options", withBearer(stolen.mfa_token, { method: "POST" })), 401, "invalid_token");
  });

  it("an enrolment mfa_token left over from before the user enrolled can no longer enrol anything", async () => {
    const tenant = await createTenant({ mfa: "required", email_verification_required: false });
    const email = freshEmail();
    const password = strongPassword();
    const first = await expectMfaRequired(await signup(tenant.api_key, email, password));
    const leftover = await expectMfaRequired(await login(tenant.api_key, email, password));
    expect(leftover.enrollment_required).toBe(true);
    await enrolTotp(first.mfa_token);
    await expectError(await issuerFetch("/api/auth/mfa/totp", withBearer(leftover.mfa_token, { method: "POST" })), 401, "invalid_token");
  });

  it("an mfa_token is no access token: /api/auth/me refuses it", async () => {
    const tenant = await createTenant({ mfa: "required", email_verification_required: false });
    const signedUp = await expectMfaRequired(await signup(tenant.api_key, freshEmail(), strongPassword()));
    await expectError(await issuerFetch("/api/auth/me", withBearer(signedUp.mfa_token)), 401, "invalid_token");
  });
});

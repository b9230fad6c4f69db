import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { passkeys, recoveryCodes as recoveryCodeRows, totpFactors } from "../../../drizzle/schema";
import { newId } from "../../../shared/crypto/ids";
import { decodeTotpSecret } from "../../../shared/crypto/totp";
import { RECENT_SIGN_IN_SECONDS } from "../../../shared/domain/authentication-methods";
import { checkTotpCode, openTotpSecret, spendRecoveryCode } from "../../../workers/issuer/services/second-factors";
import { MAX_TOTP_CONFIRM_ATTEMPTS, PENDING_TOTP_SECONDS } from "../../../workers/issuer/services/totp-enrolment";
import { testDb } from "./support/account-rows";
import { adminFetch, createTenant, expectError, issuerFetch, refresh, signIn, withBearer, type TenantCredentials } from "./support/issuer-client";
import {
  appCode,
  auditEvents,
  confirmTotp,
  deps,
  enrolTotp,
  factorDeps,
  insertPasskey,
  mfaOf,
  removeTotp,
  renewRecoveryCodes,
  sessionToken,
  startTotp,
  type TotpStarted,
} from "./support/second-factors";

const RECOVERY_CODE = /^[2-9a-hjkmnp-z]{4}-[2-9a-hjkmnp-z]{4}-[2-9a-hjkmnp-z]{4}$/;

/** A phone user of `tenant`, and a second session of theirs opened with two factors just now. */
async function userWithStrongSession(tenant: TenantCredentials): Promise<{ userId: string; phoneToken: string; strong: string }> {
  const user = await signIn(tenant);
  const strong = await sessionToken(tenant, user.user_id);
  return { userId: user.user_id, phoneToken: user.token, strong: strong.token };
}

async function expectStepUpChallenge(response: Response): Promise<void> {
  await expectError(response, 401, "insufficient_user_authentication");
  const challenge = response.headers.get("WWW-Authenticate") ?? "";
  expect(challenge).toMatch(/^Bearer error="insufficient_user_authentication", error_description="[^"]+"/);
  expect(challenge).toContain(`max_age=${RECENT_SIGN_IN_SECONDS}`);
}

async function started(response: Response): Promise<TotpStarted> {
  expect(response.status, await response.clone().text()).toBe(200);
  return response.json<TotpStarted>();
}

describe("POST /api/auth/mfa/totp", () => {
  it("answers a pending factor: its id, a base32 secret of 20 bytes, and an otpauth URI naming the tenant", async () => {
    const tenant = await createTenant();
    const user = await signIn(tenant);
    const response = await startTotp(user.token);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const body = await started(response);
    expect(Object.keys(body).sort()).toEqual(["factor_id", "otpauth_uri", "secret"]);
    expect(body.factor_id).toMatch(/^totp_[0-9a-hjkmnp-tv-z]{26}$/);
    expect(body.secret).toMatch(/^[A-Z2-7]{32}$/);
    const tenantName = encodeURIComponent((await (await adminFetch(`/api/admin/tenants/${tenant.tenant_id}`)).json<{ name: string }>()).name);
    expect(body.otpauth_uri).toBe(`otpauth://totp/${tenantName}:${encodeURIComponent(user.phone)}?secret=${body.secret}&issuer=${tenantName}&algorithm=SHA1&digits=6&period=30`);
    // Pending is not enrolled.
    expect(await mfaOf(user.token)).toEqual({ totp: false, passkeys: 0, recovery_codes_remaining: 0 });
  });

  it("percent-encodes a tenant name that would otherwise end the label or add a parameter", async () => {
    const tenant = await createTenant();
    const renamed = await adminFetch(`/api/admin/tenants/${tenant.tenant_id}`, { method: "PATCH", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ name: "Acme: Büro & Co?#1" }) });
    expect(renamed.status).toBe(200);
    const user = await signIn(tenant);
    const body = await started(await startTotp(user.token));
    const uri = new URL(body.otpauth_uri);
    expect(uri.protocol).toBe("otpauth:");
    expect(decodeURIComponent(uri.pathname.replace(/^\/\/totp\//, "").replace(/^\//, ""))).toBe(`Acme: Büro & Co?#1:${user.phone}`);
    expect(body.otpauth_uri).toContain("Acme%3A%20B%C3%BCro%20%26%20Co%3F%231:");
    expect([...uri.searchParams.keys()]).toEqual(["secret", "issuer", "algorithm", "digits", "period"]);
    expect(uri.searchParams.get("issuer")).toBe("Acme: Büro & Co?#1");
  });

  it("keeps the secret sealed at rest, bound to the factor id: never the secret itself in the row", async () => {
    const tenant = await createTenant();
    const user = await signIn(tenant);
    const body = await started(await startTotp(user.token));
    const [row] = await testDb.select().from(totpFactors).where(eq(totpFactors.id, body.factor_id));
    expect(row?.state).toBe("pending");
    expect(row?.sealedSecret).toMatch(/^v2\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(row?.sealedSecret).not.toContain(body.secret);
    // Moved onto another factor's row (someone with write access swapping secrets), it does not open.
    await expect(openTotpSecret(deps.config.keyEncryptionSecret, newId("totp"), row?.sealedSecret ?? "")).rejects.toThrow(/does not open/);
    expect(await openTotpSecret(deps.config.keyEncryptionSecret, body.factor_id, row?.sealedSecret ?? "")).toEqual(decodeTotpSecret(body.secret));
  });

  it("starting again replaces the pending factor: the first secret no longer confirms", async () => {
    const tenant = await createTenant();
    const user = await signIn(tenant);
    const first = await started(await startTotp(user.token));
    const second = await started(await startTotp(user.token));
    expect(second.factor_id).not.toBe(first.factor_id);
    expect(second.secret).not.toBe(first.secret);
    await expectError(await confirmTotp(user.token, await appCode(first.secret, new Date())), 401, "invalid_code");
    expect((await confirmTotp(user.token, await appCode(second.secret, new Date()))).status).toBe(200);
    expect(await testDb.select().from(totpFactors).where(eq(totpFactors.userId, user.user_id))).toHaveLength(1);
  });

  it("refuses a second authenticator app with 409 totp_already_enrolled and leaves the first working", async () => {
    const tenant = await createTenant();
    const user = await signIn(tenant);
    const enrolled = await enrolTotp(user.token);
    await expectError(await startTotp(user.token), 409, "totp_already_enrolled");
    const now = new Date();
    expect(await checkTotpCode(factorDeps(), { tenantId: tenant.tenant_id, userId: user.user_id }, await appCode(enrolled.secret, now, 1), now)).toBe(true);
  });

  it("needs a recent strong sign-in when the user already has a passkey (adding a factor to a protected account)", async () => {
    const tenant = await createTenant();
    const { userId, phoneToken, strong } = await userWithStrongSession(tenant);
    await insertPasskey({ tenantId: tenant.tenant_id, userId });
    await expectStepUpChallenge(await startTotp(phoneToken));
    expect(await testDb.select().from(totpFactors).where(eq(totpFactors.userId, userId))).toHaveLength(0);
    expect((await auditEvents(userId, "mfa.step_up_refused"))[0]?.details).toMatchObject({ action: "totp_enrolment" });
    expect((await startTotp(strong)).status).toBe(200);
  });

  it("is refused with 403 sign_in_method_disabled when the tenant's mfa is off", async () => {
    const tenant = await createTenant({ mfa: "off" });
    const user = await signIn(tenant);
    await expectError(await startTotp(user.token), 403, "sign_in_method_disabled");
  });

  it("refuses a body, and a missing or garbage token, before anything is written", async () => {
    const tenant = await createTenant();
    const user = await signIn(tenant);
    await expectError(await issuerFetch("/api/auth/mfa/totp", withBearer(user.token, { method: "POST", headers: { "Content-Type": "application/json" }, body: '{"secret":"AAAA"}' })), 400, "invalid_request");
    await expectError(await issuerFetch("/api/auth/mfa/totp", { method: "POST" }), 401, "invalid_token");
    await expectError(await startTotp("not.a.token"), 401, "invalid_token");
    await expectError(await startTotp(tenant.api_key), 401, "invalid_token");
    expect(await testDb.select().from(totpFactors).where(eq(totpFactors.userId, user.user_id))).toHaveLength(0);
  });
});

describe("POST /api/auth/mfa/totp/confirm", () => {
  it("activates the factor with the app's code and answers ten readable recovery codes, shown in /me", async () => {
    const tenant = await createTenant();
    const user = await signIn(tenant);
    const body = await started(await startTotp(user.token));
    const response = await confirmTotp(user.token, await appCode(body.secret, new Date()));
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const { recovery_codes } = await response.json<{ recovery_codes: string[] }>();
    expect(recovery_codes).toHaveLength(10);
    for (const code of recovery_codes) expect(code).toMatch(RECOVERY_CODE);
    expect(new Set(recovery_codes).size).toBe(10);
    expect(await mfaOf(user.token)).toEqual({ totp: true, passkeys: 0, recovery_codes_remaining: 10 });
    const [enrolled] = await auditEvents(user.user_id, "mfa.totp_enrolled");
    expect(enrolled?.details).toMatchObject({ factor_id: body.factor_id });
    expect((await auditEvents(user.user_id, "mfa.recovery_codes_generated"))[0]?.details).toMatchObject({ count: 10 });
  });

  it("stores the recovery codes only as keyed hashes", async () => {
    const tenant = await createTenant();
    const user = await signIn(tenant);
    const { recoveryCodes } = await enrolTotp(user.token);
    const rows = await testDb.select().from(recoveryCodeRows).where(eq(recoveryCodeRows.userId, user.user_id));
    expect(rows).toHaveLength(10);
    const stored = JSON.stringify(rows);
    for (const code of recoveryCodes) {
      expect(stored).not.toContain(code);
      expect(stored).not.toContain(code.replace(/-/g, ""));
    }
    for (const row of rows) expect(row.codeHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("a pending factor is no second factor: its codes do not pass before it is confirmed", async () => {
    const tenant = await createTenant();
    const user = await signIn(tenant);
    const body = await started(await startTotp(user.token));
    const now = new Date();
    expect(await checkTotpCode(factorDeps(), { tenantId: tenant.tenant_id, userId: user.user_id }, await appCode(body.secret, now), now)).toBe(false);
  });

  it("the code that confirmed the factor cannot then be used to sign in (no replay of the enrolment code)", async () => {
    const tenant = await createTenant();
    const user = await signIn(tenant);
    const now = new Date();
    const body = await started(await startTotp(user.token));
    const code = await appCode(body.secret, now);
    expect((await confirmTotp(user.token, code)).status).toBe(200);
    expect(await checkTotpCode(factorDeps(), { tenantId: tenant.tenant_id, userId: user.user_id }, code, now)).toBe(false);
  });

  it("answers a wrong code with 401 invalid_code and the attempts left, and audits it without the code", async () => {
    const tenant = await createTenant();
    const user = await signIn(tenant);
    const body = await started(await startTotp(user.token));
    const wrong = String((Number(await appCode(body.secret, new Date())) + 500_000) % 1_000_000).padStart(6, "0");
    const refused = await expectError(await confirmTotp(user.token, wrong), 401, "invalid_code");
    expect(refused.error.attempts_remaining).toBe(MAX_TOTP_CONFIRM_ATTEMPTS - 1);
    const [event] = await auditEvents(user.user_id, "mfa.totp_confirm_failed");
    expect(event?.details).toMatchObject({ factor_id: body.factor_id, attempts_remaining: 4 });
    expect(JSON.stringify(event)).not.toContain(wrong);
    expect(JSON.stringify(event)).not.toContain(body.secret);
    expect(await mfaOf(user.token)).toEqual({ totp: false, passkeys: 0, recovery_codes_remaining: 0 });
  });

  it("drops the pending factor after five wrong codes: guessing ends, and even the right code then finds nothing", async () => {
    const tenant = await createTenant();
    const user = await signIn(tenant);
    const body = await started(await startTotp(user.token));
    const right = await appCode(body.secret, new Date());
    const wrong = right === "000000" ? "111111" : "000000";
    for (let attempt = MAX_TOTP_CONFIRM_ATTEMPTS - 1; attempt >= 0; attempt--) {
      expect((await expectError(await confirmTotp(user.token, wrong), 401, "invalid_code")).error.attempts_remaining).toBe(attempt);
    }
    await expectError(await confirmTotp(user.token, right), 404, "not_found");
    expect(await testDb.select().from(totpFactors).where(eq(totpFactors.userId, user.user_id))).toHaveLength(0);
    // Starting again gives a new factor, and a fresh count.
    expect((await confirmTotp(user.token, await appCode((await started(await startTotp(user.token))).secret, new Date()))).status).toBe(200);
  });

  it("bounds racing wrong guesses too: of ten at once, at most five are checked", async () => {
    const tenant = await createTenant();
    const user = await signIn(tenant);
    const body = await started(await startTotp(user.token));
    const right = await appCode(body.secret, new Date());
    const guesses = Array.from({ length: 10 }, (_, index) => String((Number(right) + 1 + index) % 1_000_000).padStart(6, "0"));
    const answers = await Promise.all(guesses.map((guess) => confirmTotp(user.token, guess)));
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses.filter((status) => status === 401)).toHaveLength(MAX_TOTP_CONFIRM_ATTEMPTS);
    expect(statuses.filter((status) => status === 404)).toHaveLength(10 - MAX_TOTP_CONFIRM_ATTEMPTS);
    expect(await testDb.select().from(totpFactors).where(eq(totpFactors.userId, user.user_id))).toHaveLength(0);
  });

  it("answers 404 not_found when no enrolment is pending, or it is older than its lifetime", async () => {
    const tenant = await createTenant();
    const user = await signIn(tenant);
    await expectError(await confirmTotp(user.token, "123456"), 404, "not_found");
    const body = await started(await startTotp(user.token));
    await testDb.update(totpFactors).set({ createdAt: new Date(Date.now() - (PENDING_TOTP_SECONDS + 1) * 1000) }).where(eq(totpFactors.id, body.factor_id));
    await expectError(await confirmTotp(user.token, await appCode(body.secret, new Date())), 404, "not_found");
  });

  it("activates once when the right code is sent twice at once: one set of recovery codes", async () => {
    const tenant = await createTenant();
    const user = await signIn(tenant);
    const body = await started(await startTotp(user.token));
    const code = await appCode(body.secret, new Date());
    const answers = await Promise.all([confirmTotp(user.token, code), confirmTotp(user.token, code), confirmTotp(user.token, code)]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 404, 404]);
    const winner = answers.find((answer) => answer.status === 200);
    const { recovery_codes } = (await winner?.json<{ recovery_codes: string[] }>()) ?? { recovery_codes: [] };
    expect((await testDb.select().from(recoveryCodeRows).where(eq(recoveryCodeRows.userId, user.user_id))).length).toBe(10);
    expect(await spendRecoveryCode(factorDeps(), { tenantId: tenant.tenant_id, userId: user.user_id }, recovery_codes[0] ?? "", new Date())).toBe(true);
  });

  it("refuses a code that is not six digits with 400 invalid_request, without counting an attempt", async () => {
    const tenant = await createTenant();
    const user = await signIn(tenant);
    const body = await started(await startTotp(user.token));
    for (const code of ["12345", "1234567", "12345a", "１２３４５６", " 123456"]) await expectError(await confirmTotp(user.token, code), 400, "invalid_request");
    const wrong = await expectError(await confirmTotp(user.token, (await appCode(body.secret, new Date())) === "999999" ? "888888" : "999999"), 401, "invalid_code");
    expect(wrong.error.attempts_remaining).toBe(MAX_TOTP_CONFIRM_ATTEMPTS - 1);
  });

  it("cannot confirm another user's pending factor: the secret is theirs, the pending factor is looked up by the caller", async () => {
    const tenant = await createTenant();
    const victim = await signIn(tenant);
    const attacker = await signIn(tenant);
    const body = await started(await startTotp(victim.token));
    await expectError(await confirmTotp(attacker.token, await appCode(body.secret, new Date())), 404, "not_found");
    expect((await testDb.select().from(totpFactors).where(eq(totpFactors.id, body.factor_id)))[0]?.state).toBe("pending");
  });
});

describe("DELETE /api/auth/mfa/totp", () => {
  it("answers the RFC 9470 challenge to a single-factor token, and removes nothing", async () => {
    const tenant = await createTenant();
    const { userId, phoneToken, strong } = await userWithStrongSession(tenant);
    await enrolTotp(strong);
    await expectStepUpChallenge(await removeTotp(phoneToken));
    expect(await mfaOf(strong)).toEqual({ totp: true, passkeys: 0, recovery_codes_remaining: 10 });
    expect((await auditEvents(userId, "mfa.step_up_refused"))[0]?.details).toMatchObject({ action: "totp_removal" });
  });

  it("answers the challenge to a two-factor sign-in older than five minutes, even refreshed since", async () => {
    const tenant = await createTenant();
    const user = await signIn(tenant);
    const strong = await sessionToken(tenant, user.user_id);
    await enrolTotp(strong.token);
    const stale = await sessionToken(tenant, user.user_id, { signedInSecondsAgo: RECENT_SIGN_IN_SECONDS + 30 });
    await expectStepUpChallenge(await removeTotp(stale.token));
    expect(await mfaOf(strong.token)).toMatchObject({ totp: true });
  });

  it("with a recent two-factor sign-in: 204, the factor and its recovery codes gone, every other session revoked, the caller's kept", async () => {
    const tenant = await createTenant();
    const user = await signIn(tenant);
    const strong = await sessionToken(tenant, user.user_id);
    const { recoveryCodes } = await enrolTotp(strong.token);
    const response = await removeTotp(strong.token);
    expect(response.status).toBe(204);
    expect(await response.text()).toBe("");
    expect(await mfaOf(strong.token)).toEqual({ totp: false, passkeys: 0, recovery_codes_remaining: 0 });
    await expectError(await issuerFetch("/api/auth/me", withBearer(user.token)), 401, "invalid_token");
    await expectError(await refresh(tenant.api_key, user.refresh_token), 401, "invalid_grant");
    expect((await refresh(tenant.api_key, strong.refreshToken)).status).toBe(200);
    expect(await spendRecoveryCode(factorDeps(), { tenantId: tenant.tenant_id, userId: user.user_id }, recoveryCodes[0] ?? "", new Date())).toBe(false);
    const [event] = await auditEvents(user.user_id, "mfa.totp_removed");
    expect(event?.details).toMatchObject({ sessions_revoked: 1, recovery_codes_deleted: 10, session_id: strong.sessionId });
  });

  it("keeps the recovery codes when a passkey is left: they still stand in for a second factor", async () => {
    const tenant = await createTenant();
    const user = await signIn(tenant);
    const strong = await sessionToken(tenant, user.user_id);
    const { recoveryCodes } = await enrolTotp(strong.token);
    await insertPasskey({ tenantId: tenant.tenant_id, userId: user.user_id });
    expect((await removeTotp(strong.token)).status).toBe(204);
    expect(await mfaOf(strong.token)).toEqual({ totp: false, passkeys: 1, recovery_codes_remaining: 10 });
    expect(await spendRecoveryCode(factorDeps(), { tenantId: tenant.tenant_id, userId: user.user_id }, recoveryCodes[0] ?? "", new Date())).toBe(true);
  });

  it("drops a pending enrolment with the app: its secret cannot be confirmed afterwards", async () => {
    const tenant = await createTenant();
    const { userId, strong } = await userWithStrongSession(tenant);
    await enrolTotp(strong);
    await testDb.insert(totpFactors).values({ id: newId("totp"), tenantId: tenant.tenant_id, userId, state: "pending", sealedSecret: "v2.unused.unused" });
    expect((await removeTotp(strong)).status).toBe(204);
    expect(await testDb.select().from(totpFactors).where(eq(totpFactors.userId, userId))).toHaveLength(0);
  });

  it("answers 404 not_found when there is no authenticator app to remove", async () => {
    const tenant = await createTenant();
    const { strong } = await userWithStrongSession(tenant);
    await expectError(await removeTotp(strong), 404, "not_found");
  });

  it("leaves another user's factor and codes untouched", async () => {
    const tenant = await createTenant();
    const owner = await userWithStrongSession(tenant);
    const bystander = await userWithStrongSession(tenant);
    await enrolTotp(owner.strong);
    const theirs = await enrolTotp(bystander.strong);
    expect((await removeTotp(owner.strong)).status).toBe(204);
    expect(await mfaOf(bystander.strong)).toEqual({ totp: true, passkeys: 0, recovery_codes_remaining: 10 });
    const now = new Date();
    expect(await checkTotpCode(factorDeps(), { tenantId: tenant.tenant_id, userId: bystander.userId }, await appCode(theirs.secret, now, 1), now)).toBe(true);
    expect((await issuerFetch("/api/auth/me", withBearer(bystander.phoneToken))).status).toBe(200);
  });
});

describe("POST /api/auth/mfa/recovery-codes", () => {
  it("with a recent two-factor sign-in: ten new codes, and the earlier set stops working", async () => {
    const tenant = await createTenant();
    const { userId, strong } = await userWithStrongSession(tenant);
    const { recoveryCodes: old } = await enrolTotp(strong);
    const owner = { tenantId: tenant.tenant_id, userId };
    expect(await spendRecoveryCode(factorDeps(), owner, old[0] ?? "", new Date())).toBe(true);
    const response = await renewRecoveryCodes(strong);
    expect(response.status).toBe(200);
    const { recovery_codes } = await response.json<{ recovery_codes: string[] }>();
    expect(recovery_codes).toHaveLength(10);
    for (const code of recovery_codes) expect(code).toMatch(RECOVERY_CODE);
    expect(recovery_codes.filter((code) => old.includes(code))).toEqual([]);
    for (const code of old.slice(1)) expect(await spendRecoveryCode(factorDeps(), owner, code, new Date())).toBe(false);
    expect(await mfaOf(strong)).toEqual({ totp: true, passkeys: 0, recovery_codes_remaining: 10 });
    for (const code of recovery_codes) expect(await spendRecoveryCode(factorDeps(), owner, code, new Date())).toBe(true);
    expect((await auditEvents(userId, "mfa.recovery_codes_generated"))[0]?.details).toMatchObject({ count: 10, replaced: 9 });
  });

  it("answers a stolen single-factor token with the RFC 9470 challenge: it cannot mint a way in", async () => {
    const tenant = await createTenant();
    const { userId, phoneToken, strong } = await userWithStrongSession(tenant);
    const { recoveryCodes } = await enrolTotp(strong);
    await expectStepUpChallenge(await renewRecoveryCodes(phoneToken));
    expect(await spendRecoveryCode(factorDeps(), { tenantId: tenant.tenant_id, userId }, recoveryCodes[0] ?? "", new Date())).toBe(true);
  });

  it("answers 409 no_second_factor to a user without a second factor", async () => {
    const tenant = await createTenant();
    const { strong, userId } = await userWithStrongSession(tenant);
    await expectError(await renewRecoveryCodes(strong), 409, "no_second_factor");
    expect(await testDb.select().from(recoveryCodeRows).where(eq(recoveryCodeRows.userId, userId))).toHaveLength(0);
  });

  it("works for a user whose only second factor is a passkey", async () => {
    const tenant = await createTenant();
    const { strong, userId } = await userWithStrongSession(tenant);
    await insertPasskey({ tenantId: tenant.tenant_id, userId });
    expect((await renewRecoveryCodes(strong)).status).toBe(200);
    expect(await mfaOf(strong)).toEqual({ totp: false, passkeys: 1, recovery_codes_remaining: 10 });
  });
});

describe("erasure", () => {
  it("deleting a user removes their TOTP factor, recovery codes and passkeys", async () => {
    const tenant = await createTenant();
    const { userId, strong } = await userWithStrongSession(tenant);
    await enrolTotp(strong);
    await insertPasskey({ tenantId: tenant.tenant_id, userId });
    expect((await adminFetch(`/api/admin/users/${userId}`, { method: "DELETE" })).status).toBe(204);
    expect(await testDb.select().from(totpFactors).where(eq(totpFactors.userId, userId))).toHaveLength(0);
    expect(await testDb.select().from(recoveryCodeRows).where(eq(recoveryCodeRows.userId, userId))).toHaveLength(0);
    expect(await testDb.select().from(passkeys).where(eq(passkeys.userId, userId))).toHaveLength(0);
  });
});

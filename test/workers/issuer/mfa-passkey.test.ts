import { describe, expect, it } from "vitest";
import { MFA_TOKEN_MAX_ATTEMPTS } from "../../../shared/domain/mfa-ticket";
import { login, passwordUser, signup, strongPassword, type SessionBody } from "./support/accounts-client";
import { freshEmail } from "./support/email-sandbox";
import { createTenant, decodeJwtPart, expectError, freshIp, issuerFetch, jsonRequest, type TenantCredentials } from "./support/issuer-client";
import { expectMfaRequired, mfaVerify, storedTicket } from "./support/mfa-client";
import { addPasskey, ISSUER_ORIGIN, options, register, registerOptions, SoftwareAuthenticator } from "./support/passkey-client";

function secondStepOptions(apiKey: string, mfaToken: string): Promise<Response> {
  return issuerFetch("/api/auth/mfa/passkey/options", jsonRequest("POST", { mfa_token: mfaToken }, { "x-api-key": apiKey, "CF-Connecting-IP": freshIp() }));
}

/** A verified password user who added a passkey right after signing in. */
async function passkeyUser(tenant: TenantCredentials): Promise<{ email: string; password: string; userId: string; authenticator: SoftwareAuthenticator; passkeyId: string }> {
  const user = await passwordUser(tenant);
  const authenticator = new SoftwareAuthenticator();
  const added = await addPasskey(user.token, authenticator);
  return { email: user.email, password: user.password, userId: user.user_id, authenticator, passkeyId: added.passkey_id };
}

describe("a passkey as the second factor", () => {
  it("the first factor offers passkey; options for the mfa_token list the user's passkeys; the assertion opens a session with pwd, hwk, user and mfa", async () => {
    const tenant = await createTenant();
    const user = await passkeyUser(tenant);
    const step = await expectMfaRequired(await login(tenant.api_key, user.email, user.password));
    expect(step.methods).toEqual(["passkey"]);
    const { challenge_id, options: request } = await options(await secondStepOptions(tenant.api_key, step.mfa_token));
    expect(request.allowCredentials).toEqual([expect.objectContaining({ type: "public-key" })]);
    const credential = await user.authenticator.get(ISSUER_ORIGIN, request);
    const response = await mfaVerify(tenant.api_key, { mfa_token: step.mfa_token, method: "passkey", challenge_id, credential });
    expect(response.status, await response.clone().text()).toBe(200);
    const body = await response.json<SessionBody>();
    expect(body.user_id).toBe(user.userId);
    expect(decodeJwtPart(body.token, 1)).toMatchObject({ amr: ["pwd", "hwk", "user", "mfa"] });
  });

  it("another user's passkey cannot complete this user's sign-in: invalid_code, and the attempt counts", async () => {
    const tenant = await createTenant();
    const victim = await passkeyUser(tenant);
    const attacker = await passkeyUser(tenant);
    const step = await expectMfaRequired(await login(tenant.api_key, victim.email, victim.password));
    const { challenge_id, options: request } = await options(await secondStepOptions(tenant.api_key, step.mfa_token));
    // The attacker's authenticator answers the challenge with the attacker's own credential.
    const credential = await attacker.authenticator.get(ISSUER_ORIGIN, { ...request, allowCredentials: [] });
    const refused = await expectError(await mfaVerify(tenant.api_key, { mfa_token: step.mfa_token, method: "passkey", challenge_id, credential }), 401, "invalid_code");
    expect(refused.error.attempts_remaining).toBe(MFA_TOKEN_MAX_ATTEMPTS - 1);
  });

  it("options for a dead or another tenant's mfa_token are mfa_token_expired, and a tenant with passkeys off hands out none", async () => {
    const tenant = await createTenant();
    const other = await createTenant();
    const user = await passkeyUser(tenant);
    const step = await expectMfaRequired(await login(tenant.api_key, user.email, user.password));
    await expectError(await secondStepOptions(other.api_key, step.mfa_token), 401, "mfa_token_expired");
    await expectError(await secondStepOptions(tenant.api_key, `mfa_${"b".repeat(32)}`), 401, "mfa_token_expired");
    // Asking for options checks nothing, so it counts no attempt.
    expect((await storedTicket(step.mfa_token))?.attemptsLeft).toBe(MFA_TOKEN_MAX_ATTEMPTS);
    const closed = await createTenant({ sign_in_methods: ["password"] });
    await expectError(await secondStepOptions(closed.api_key, step.mfa_token), 403, "sign_in_method_disabled");
  });
});

describe("required enrolment with a passkey", () => {
  it("the enrolment mfa_token registers a passkey, and the registration answers the passkey plus an mfa session", async () => {
    const tenant = await createTenant({ mfa: "required", email_verification_required: false });
    const email = freshEmail();
    const password = strongPassword();
    const step = await expectMfaRequired(await signup(tenant.api_key, email, password));
    expect(step.enroll).toEqual(["totp", "passkey"]);
    const response = await enrolPasskey(step.mfa_token, new SoftwareAuthenticator());
    const body = await response.json<SessionBody & { passkey_id: string }>();
    expect(body).toMatchObject({ passkey_id: expect.stringMatching(/^pkey_/), token: expect.any(String), refresh_token: expect.any(String), token_type: "Bearer", is_new_user: true });
    expect(decodeJwtPart(body.token, 1)).toMatchObject({ amr: ["pwd", "hwk", "user", "mfa"] });
    expect(await storedTicket(step.mfa_token)).toBeUndefined();
    // The next sign-in asks for the new passkey.
    expect((await expectMfaRequired(await login(tenant.api_key, email, password))).methods).toEqual(["passkey"]);
  });

  it("an ordinary mfa_token (the user has a factor) cannot register a passkey: a first factor alone adds no factor", async () => {
    const tenant = await createTenant({ mfa: "required", email_verification_required: false });
    const email = freshEmail();
    const password = strongPassword();
    await enrolPasskey((await expectMfaRequired(await signup(tenant.api_key, email, password))).mfa_token, new SoftwareAuthenticator());
    const step = await expectMfaRequired(await login(tenant.api_key, email, password));
    expect(step.enrollment_required).toBeUndefined();
    await expectError(await registerOptions(step.mfa_token), 401, "invalid_token");
  });
});

/** Registration options → authenticator → register, with `bearer` (an access token or an enrolment mfa_token). */
async function enrolPasskey(bearer: string, authenticator: SoftwareAuthenticator): Promise<Response> {
  const { challenge_id, options: creation } = await options(await registerOptions(bearer));
  const response = await register(bearer, { challenge_id, credential: await authenticator.create(ISSUER_ORIGIN, creation) });
  expect(response.status, await response.clone().text()).toBe(201);
  return response;
}

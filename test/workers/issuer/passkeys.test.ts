import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { decodeBase64Url } from "../../../shared/crypto/base64url";
import { PASSKEY_AMR } from "../../../shared/domain/authentication-methods";
import { issuerDeps } from "../../../workers/issuer/deps";
import { AuditRecorder } from "../../../workers/issuer/services/audit-recorder";
import { settingsOf } from "../../../workers/issuer/routes/auth-context";
import { passkeyOptionsForUser, verifyPasskeyAssertion } from "../../../workers/issuer/services/passkeys/passkey-sign-in";
import { runCron } from "./support/cron";
import { adminFetch, createTenant, decodeJwtPart, expectError, issuerFetch, jsonRequest, signIn, withBearer, type TenantCredentials } from "./support/issuer-client";
import {
  addPasskey,
  assertion,
  auditOf,
  challengeRow,
  deletePasskey,
  expireChallenge,
  ISSUER_ORIGIN,
  listPasskeys,
  loginOptions,
  options,
  passkeyLogin,
  register,
  registerOptions,
  SoftwareAuthenticator,
  storedPasskey,
} from "./support/passkey-client";

interface SessionBody {
  readonly token: string;
  readonly refresh_token: string;
  readonly user_id: string;
  readonly is_new_user: boolean;
}

async function signedInWithPasskey(tenant: TenantCredentials, authenticator: SoftwareAuthenticator): Promise<SessionBody> {
  const response = await passkeyLogin(tenant.api_key, await assertion(tenant.api_key, authenticator));
  expect(response.status, await response.clone().text()).toBe(200);
  return response.json<SessionBody>();
}

/** A phone user of a fresh tenant with one passkey on `authenticator`. */
async function userWithPasskey(authenticator: SoftwareAuthenticator, settings: Record<string, unknown> = {}) {
  const tenant = await createTenant(settings);
  const user = await signIn(tenant);
  const passkey = await addPasskey(user.token, authenticator);
  return { tenant, user, passkey };
}

function me(token: string): Promise<Response> {
  return issuerFetch("/api/auth/me", withBearer(token));
}

describe("registering a passkey and signing in with it", () => {
  it.each(["ES256", "RS256"] as const)("registers an %s passkey and signs in with it alone, as two factors (amr hwk user mfa)", async (algorithm) => {
    const authenticator = new SoftwareAuthenticator({ algorithm });
    const { tenant, user, passkey } = await userWithPasskey(authenticator);
    expect(passkey).toEqual({ passkey_id: expect.stringMatching(/^pkey_[0-9a-z]{26}$/), name: "Passkey", created_at: expect.any(String) });
    expect((await storedPasskey(passkey.passkey_id))?.algorithm).toBe(algorithm === "ES256" ? -7 : -257);

    const session = await signedInWithPasskey(tenant, authenticator);
    expect(session.user_id).toBe(user.user_id);
    expect(session.is_new_user).toBe(false);
    const claims = decodeJwtPart(session.token, 1);
    expect(claims.amr).toEqual([...PASSKEY_AMR]);
    expect(claims.auth_time).toEqual(expect.any(Number));
    expect((await me(session.token)).status).toBe(200);

    const stored = await storedPasskey(passkey.passkey_id);
    expect(stored?.signCount).toBe(1);
    expect(stored?.lastUsedAt).toBeInstanceOf(Date);
    expect((await auditOf(tenant.tenant_id, "passkey.registered")).map((event) => [event.outcome, event.details.passkey_id])).toEqual([["success", passkey.passkey_id]]);
  });

  it("offers creation options a browser can use: discoverable preferred, user verification required, no attestation, ES256 and RS256", async () => {
    const tenant = await createTenant();
    const user = await signIn(tenant);
    const { challenge_id, options: creation } = await options(await registerOptions(user.token));
    expect(challenge_id).toMatch(/^wac_[0-9a-z]{26}$/);
    expect(creation).toMatchObject({
      rp: { id: "issuer.test" },
      authenticatorSelection: { residentKey: "preferred", userVerification: "required" },
      attestation: "none",
      pubKeyCredParams: [
        { type: "public-key", alg: -7 },
        { type: "public-key", alg: -257 },
      ],
      excludeCredentials: [],
    });
    expect(decodeBase64Url(creation.challenge)?.length).toBe(32);
    // The user handle is opaque: the user id's bytes, never the phone number or an address.
    const handle = new TextDecoder().decode(decodeBase64Url((creation.user as { id: string }).id) ?? new Uint8Array());
    expect(handle).toBe(user.user_id);
    expect(handle).not.toContain(user.phone);
  });

  it("lists the user's passkeys in excludeCredentials, so an authenticator is not registered twice", async () => {
    const authenticator = new SoftwareAuthenticator();
    const { tenant } = await userWithPasskey(authenticator);
    const { credential } = await assertion(tenant.api_key, authenticator);
    const session = await signedInWithPasskey(tenant, authenticator);
    const { options: creation } = await options(await registerOptions(session.token));
    expect(creation.excludeCredentials).toEqual([expect.objectContaining({ type: "public-key", id: credential.id })]);
  });

  it("keeps the name the user gave", async () => {
    const tenant = await createTenant();
    const user = await signIn(tenant);
    expect((await addPasskey(user.token, new SoftwareAuthenticator(), ISSUER_ORIGIN, "Work laptop")).name).toBe("Work laptop");
  });

  it("accepts an authenticator whose counter stays at zero, as the spec allows", async () => {
    const authenticator = new SoftwareAuthenticator({ countsSignatures: false });
    const { tenant, user } = await userWithPasskey(authenticator);
    expect((await signedInWithPasskey(tenant, authenticator)).user_id).toBe(user.user_id);
    expect((await signedInWithPasskey(tenant, authenticator)).user_id).toBe(user.user_id);
  });
});

describe("attacks on passkey sign-in", () => {
  it("refuses an assertion made on another origin under the RP id (a phishing subdomain)", async () => {
    const authenticator = new SoftwareAuthenticator();
    const { tenant } = await userWithPasskey(authenticator);
    await expectError(await passkeyLogin(tenant.api_key, await assertion(tenant.api_key, authenticator, "http://phish.issuer.test")), 401, "invalid_credential");
    expect((await auditOf(tenant.tenant_id, "passkey.sign_in_failed")).map((event) => event.details.reason)).toEqual(["wrong_origin"]);
  });

  it("refuses an assertion for another RP id, made where both RP ids are valid", async () => {
    // The tenant's RP id was example.com; it moved to login.example.com. A credential for the old RP id proves nothing for the new one.
    const authenticator = new SoftwareAuthenticator();
    const origin = "https://login.example.com";
    const tenant = await createTenant({ passkey_rp_id: "example.com", passkey_origins: [origin] });
    const user = await signIn(tenant);
    await addPasskey(user.token, authenticator, origin);
    const patched = await adminFetch(`/api/admin/tenants/${tenant.tenant_id}`, jsonRequest("PATCH", { settings: { passkey_rp_id: "login.example.com" } }));
    expect(patched.status, await patched.clone().text()).toBe(200);
    const body = await assertion(tenant.api_key, authenticator, origin, (request) => ({ ...request, rpId: "example.com" }));
    await expectError(await passkeyLogin(tenant.api_key, body), 401, "invalid_credential");
    expect((await auditOf(tenant.tenant_id, "passkey.sign_in_failed")).map((event) => event.details.reason)).toEqual(["wrong_rp_id"]);
  });

  it("refuses a replayed assertion and a second assertion on a spent challenge", async () => {
    const authenticator = new SoftwareAuthenticator();
    const { tenant } = await userWithPasskey(authenticator);
    const body = await assertion(tenant.api_key, authenticator);
    expect((await passkeyLogin(tenant.api_key, body)).status).toBe(200);
    await expectError(await passkeyLogin(tenant.api_key, body), 401, "invalid_credential");
    // A fresh signature over the same (spent) challenge.
    const { options: request } = await options(await loginOptions(tenant.api_key));
    const fresh = await authenticator.get(ISSUER_ORIGIN, { ...request, challenge: (await challengeRow(body.challenge_id))?.challenge });
    await expectError(await passkeyLogin(tenant.api_key, { challenge_id: body.challenge_id, credential: fresh }), 401, "invalid_credential");
    expect((await auditOf(tenant.tenant_id, "passkey.sign_in_failed")).map((event) => event.details.reason)).toEqual(["challenge_unknown_spent_or_expired", "challenge_unknown_spent_or_expired"]);
  });

  it("refuses an expired challenge", async () => {
    const authenticator = new SoftwareAuthenticator();
    const { tenant } = await userWithPasskey(authenticator);
    const body = await assertion(tenant.api_key, authenticator);
    await expireChallenge(body.challenge_id);
    await expectError(await passkeyLogin(tenant.api_key, body), 401, "invalid_credential");
  });

  it("refuses a cloned authenticator whose counter went back, audits it, and leaves the passkey as it was", async () => {
    const authenticator = new SoftwareAuthenticator();
    const { tenant, user, passkey } = await userWithPasskey(authenticator);
    const clone = authenticator.clone();
    await signedInWithPasskey(tenant, authenticator);
    await signedInWithPasskey(tenant, authenticator);
    const before = await storedPasskey(passkey.passkey_id);
    expect(before?.signCount).toBe(2);

    // The clone's counter is one behind the original's: its next signature carries 1 again.
    await expectError(await passkeyLogin(tenant.api_key, await assertion(tenant.api_key, clone)), 401, "invalid_credential");
    expect(await storedPasskey(passkey.passkey_id)).toEqual(before);
    const regressions = await auditOf(tenant.tenant_id, "passkey.counter_regression");
    expect(regressions).toEqual([expect.objectContaining({ outcome: "blocked", user_id: user.user_id, details: expect.objectContaining({ passkey_id: passkey.passkey_id, stored_sign_count: 2, presented_sign_count: 1 }) })]);
  });

  it("refuses an assertion the authenticator made without verifying the user", async () => {
    const authenticator = new SoftwareAuthenticator();
    const { tenant } = await userWithPasskey(authenticator);
    const presenceOnly = new SoftwareAuthenticator({ userVerified: false });
    presenceOnly.state = authenticator.state;
    await expectError(await passkeyLogin(tenant.api_key, await assertion(tenant.api_key, presenceOnly)), 401, "invalid_credential");
    expect((await auditOf(tenant.tenant_id, "passkey.sign_in_failed")).map((event) => event.details.reason)).toEqual(["user_not_verified"]);
  });

  it("refuses to register a passkey created without user verification", async () => {
    const tenant = await createTenant();
    const user = await signIn(tenant);
    const { challenge_id, options: creation } = await options(await registerOptions(user.token));
    const credential = await new SoftwareAuthenticator({ userVerified: false }).create(ISSUER_ORIGIN, creation);
    await expectError(await register(user.token, { challenge_id, credential }), 401, "invalid_credential");
    expect(await (await listPasskeys(user.token)).json()).toEqual({ passkeys: [] });
  });

  it("refuses to register a credential made for another RP id (a look-alike site's own passkey)", async () => {
    const tenant = await createTenant();
    const user = await signIn(tenant);
    const { challenge_id, options: creation } = await options(await registerOptions(user.token));
    const credential = await new SoftwareAuthenticator().create("http://evil.test", { ...creation, rp: { id: "evil.test", name: "Evil" } });
    await expectError(await register(user.token, { challenge_id, credential }), 401, "invalid_credential");
    expect((await auditOf(tenant.tenant_id, "passkey.registered")).map((event) => [event.outcome, event.details.reason])).toEqual([["failure", "wrong_origin"]]);
  });

  it("refuses to register with another user's registration challenge", async () => {
    const tenant = await createTenant();
    const [victim, attacker] = [await signIn(tenant), await signIn(tenant)];
    const { challenge_id, options: creation } = await options(await registerOptions(victim.token));
    const credential = await new SoftwareAuthenticator().create(ISSUER_ORIGIN, creation);
    await expectError(await register(attacker.token, { challenge_id, credential }), 401, "invalid_credential");
    expect(await (await listPasskeys(attacker.token)).json()).toEqual({ passkeys: [] });
  });

  it("refuses a passkey of another tenant", async () => {
    const authenticator = new SoftwareAuthenticator();
    await userWithPasskey(authenticator);
    const other = await createTenant();
    await expectError(await passkeyLogin(other.api_key, await assertion(other.api_key, authenticator)), 401, "invalid_credential");
    expect((await auditOf(other.tenant_id, "passkey.sign_in_failed")).map((event) => event.details.reason)).toEqual(["unknown_credential"]);
  });

  it("refuses another user's passkey offered as a user's second factor, and a second-factor challenge used for a full sign-in", async () => {
    const authenticator = new SoftwareAuthenticator();
    const { tenant, user: owner } = await userWithPasskey(authenticator);
    const victim = await signIn(tenant);
    const deps = issuerDeps(env);
    const record = await deps.tenants.find(tenant.tenant_id);
    if (!record) throw new Error("tenant missing");
    const signInTenant = { tenant: record, settings: settingsOf(record, deps) };
    const audit = new AuditRecorder(deps.auditLog, deps.auditSpool, { requestId: "req_test", ip: null, network: "test", userAgent: null, country: null }, deps.logger);
    const passkeyDeps = { ...deps, issuer: deps.config.issuerUrl, audit };

    // The victim has no passkey; the attacker drops allowCredentials and answers with their own.
    const { challenge_id, options: request } = await passkeyOptionsForUser(passkeyDeps, signInTenant, victim.user_id);
    const credential = await authenticator.get(ISSUER_ORIGIN, { ...request, allowCredentials: [] });
    const outcome = await verifyPasskeyAssertion(passkeyDeps, signInTenant, { challengeId: challenge_id, credential, expectedUserId: victim.user_id }, new Date());
    expect(outcome).toEqual({ ok: false, error: { reason: "invalid_credential" } });
    await audit.flush();
    expect((await auditOf(tenant.tenant_id, "passkey.sign_in_failed")).map((event) => [event.user_id, event.details.reason])).toEqual([[victim.user_id, "credential_of_another_user"]]);
    expect((await auditOf(tenant.tenant_id, "passkey.sign_in_failed"))[0]?.details.passkey_user_id).toBe(owner.user_id);

    // A challenge issued for a user's second factor is no full sign-in on its own.
    const forOwner = await passkeyOptionsForUser(passkeyDeps, signInTenant, owner.user_id);
    const replayedAsLogin = await authenticator.get(ISSUER_ORIGIN, forOwner.options);
    await expectError(await passkeyLogin(tenant.api_key, { challenge_id: forOwner.challenge_id, credential: replayedAsLogin }), 401, "invalid_credential");
    expect((await auditOf(tenant.tenant_id, "passkey.sign_in_failed")).map((event) => event.details.reason)).toContain("challenge_of_another_user");

    // The owner's own passkey as their second factor passes.
    const own = await passkeyOptionsForUser(passkeyDeps, signInTenant, owner.user_id);
    expect(own.options.allowCredentials).toEqual([expect.objectContaining({ type: "public-key" })]);
    const ownCredential = await authenticator.get(ISSUER_ORIGIN, own.options);
    expect(await verifyPasskeyAssertion(passkeyDeps, signInTenant, { challengeId: own.challenge_id, credential: ownCredential, expectedUserId: owner.user_id }, new Date())).toEqual({
      ok: true,
      value: { userId: owner.user_id, passkeyId: expect.stringMatching(/^pkey_/) },
    });
  });

  it("refuses passkey sign-in where the tenant has not enabled it", async () => {
    const tenant = await createTenant({ sign_in_methods: ["phone_otp"] });
    await expectError(await loginOptions(tenant.api_key), 403, "sign_in_method_disabled");
    const user = await signIn(tenant);
    await expectError(await registerOptions(user.token), 403, "sign_in_method_disabled");
  });

  it("refuses a body that is not a WebAuthn credential with 400 and leaves the challenge usable", async () => {
    const authenticator = new SoftwareAuthenticator();
    const { tenant } = await userWithPasskey(authenticator);
    const body = await assertion(tenant.api_key, authenticator);
    const broken = await expectError(await passkeyLogin(tenant.api_key, { challenge_id: body.challenge_id, credential: { id: "x" } }), 400, "invalid_request");
    expect(broken.error.field).toMatch(/^credential/);
    expect((await passkeyLogin(tenant.api_key, body)).status).toBe(200);
  });
});

describe("managing passkeys", () => {
  it("lists the user's passkeys without keys or credential ids", async () => {
    const authenticator = new SoftwareAuthenticator();
    const { tenant, passkey } = await userWithPasskey(authenticator);
    const session = await signedInWithPasskey(tenant, authenticator);
    const listed = await (await listPasskeys(session.token)).json<{ passkeys: Record<string, unknown>[] }>();
    expect(listed).toEqual({ passkeys: [{ passkey_id: passkey.passkey_id, name: "Passkey", created_at: passkey.created_at, last_used_at: expect.any(String) }] });
  });

  it("removes a passkey after a recent two-factor sign-in, signs the other sessions out, and audits it", async () => {
    const authenticator = new SoftwareAuthenticator();
    const { tenant, user, passkey } = await userWithPasskey(authenticator);
    const session = await signedInWithPasskey(tenant, authenticator);
    expect((await deletePasskey(session.token, passkey.passkey_id)).status).toBe(204);
    expect(await storedPasskey(passkey.passkey_id)).toBeUndefined();
    await expectError(await me(user.token), 401, "invalid_token");
    expect((await me(session.token)).status).toBe(200);
    await expectError(await passkeyLogin(tenant.api_key, await assertion(tenant.api_key, authenticator)), 401, "invalid_credential");
    expect((await auditOf(tenant.tenant_id, "passkey.removed")).map((event) => event.details)).toEqual([expect.objectContaining({ passkey_id: passkey.passkey_id, sessions_revoked: 1 })]);
  });

  it("drops the recovery codes with the last passkey, so a user left without a factor is not asked for a second step", async () => {
    const authenticator = new SoftwareAuthenticator();
    const { tenant, user, passkey } = await userWithPasskey(authenticator);
    const session = await signedInWithPasskey(tenant, authenticator);
    const codes = await issuerFetch("/api/auth/mfa/recovery-codes", withBearer(session.token, { method: "POST" }));
    expect(codes.status, await codes.clone().text()).toBe(200);
    const second = await addPasskey(session.token, new SoftwareAuthenticator());
    expect((await deletePasskey(session.token, passkey.passkey_id)).status).toBe(204);
    expect((await (await me(session.token)).json<{ mfa: unknown }>()).mfa).toEqual({ totp: false, passkeys: 1, recovery_codes_remaining: 10 });
    expect((await deletePasskey(session.token, second.passkey_id)).status).toBe(204);
    expect((await (await me(session.token)).json<{ mfa: unknown }>()).mfa).toEqual({ totp: false, passkeys: 0, recovery_codes_remaining: 0 });
    expect(await signIn(tenant, user.phone)).toMatchObject({ token: expect.any(String), user_id: user.user_id });
  });

  it("refuses to remove a passkey on a single-factor session with the RFC 9470 challenge", async () => {
    const authenticator = new SoftwareAuthenticator();
    const { user, passkey } = await userWithPasskey(authenticator);
    const response = await deletePasskey(user.token, passkey.passkey_id);
    expect(response.headers.get("WWW-Authenticate")).toContain('error="insufficient_user_authentication"');
    expect(response.headers.get("WWW-Authenticate")).toContain("max_age=300");
    await expectError(response, 401, "insufficient_user_authentication");
    expect(await storedPasskey(passkey.passkey_id)).toBeDefined();
  });

  it("answers 404 for another user's passkey and leaves it alone", async () => {
    const authenticator = new SoftwareAuthenticator();
    const { tenant, passkey } = await userWithPasskey(authenticator);
    const other = new SoftwareAuthenticator();
    const { tenant: otherTenant } = await userWithPasskey(other);
    const otherSession = await signedInWithPasskey(otherTenant, other);
    await expectError(await deletePasskey(otherSession.token, passkey.passkey_id), 404, "not_found");
    await expectError(await deletePasskey(otherSession.token, "pkey_not-an-id"), 404, "not_found");
    expect(await storedPasskey(passkey.passkey_id)).toBeDefined();
    expect(tenant.tenant_id).not.toBe(otherTenant.tenant_id);
  });

  it("asks a user who already has a second factor for a two-factor sign-in before adding another passkey", async () => {
    const { user } = await userWithPasskey(new SoftwareAuthenticator());
    const response = await registerOptions(user.token);
    expect(response.headers.get("WWW-Authenticate")).toContain("max_age=300");
    await expectError(response, 401, "insufficient_user_authentication");
  });

  it("lets a user with a passkey add another after signing in with it", async () => {
    const authenticator = new SoftwareAuthenticator();
    const { tenant } = await userWithPasskey(authenticator);
    const session = await signedInWithPasskey(tenant, authenticator);
    await addPasskey(session.token, new SoftwareAuthenticator({ algorithm: "RS256" }));
    expect((await (await listPasskeys(session.token)).json<{ passkeys: unknown[] }>()).passkeys).toHaveLength(2);
  });
});

describe("passkey settings and upkeep", () => {
  it("refuses passkey origins that are not on the RP id, at creation and when a patch makes them misfit", async () => {
    const bad = await adminFetch("/api/admin/tenants", jsonRequest("POST", { name: "Bad", slug: `bad-${crypto.randomUUID().slice(0, 8)}`, settings: { passkey_rp_id: "example.com", passkey_origins: ["https://example.com", "https://example.org"] } }));
    expect((await expectError(bad, 400, "invalid_request")).error.field).toBe("settings.passkey_origins.1");
    const tenant = await createTenant({ passkey_origins: ["https://app.example.com"] });
    const patch = await adminFetch(`/api/admin/tenants/${tenant.tenant_id}`, jsonRequest("PATCH", { settings: { passkey_rp_id: "example.org" } }));
    expect((await expectError(patch, 400, "invalid_request")).error.field).toBe("settings.passkey_origins.0");
    const fine = await adminFetch(`/api/admin/tenants/${tenant.tenant_id}`, jsonRequest("PATCH", { settings: { passkey_rp_id: "example.com" } }));
    expect(fine.status).toBe(200);
  });

  it("accepts ceremonies from the tenant's CORS origins by default", async () => {
    const origin = "http://app.issuer.test";
    const authenticator = new SoftwareAuthenticator();
    const tenant = await createTenant({ cors_origins: [origin] });
    const user = await signIn(tenant);
    await addPasskey(user.token, authenticator, origin);
    const response = await passkeyLogin(tenant.api_key, await assertion(tenant.api_key, authenticator, origin));
    expect(response.status, await response.clone().text()).toBe(200);
  });

  it("deletes expired challenges in the cron", async () => {
    const tenant = await createTenant();
    const { challenge_id } = await options(await loginOptions(tenant.api_key));
    await expireChallenge(challenge_id);
    await runCron();
    expect(await challengeRow(challenge_id)).toBeUndefined();
  });
});

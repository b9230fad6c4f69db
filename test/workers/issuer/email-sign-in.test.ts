import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { newId } from "../../../shared/crypto/ids";
import { linkTokenHash, newLinkToken } from "../../../shared/crypto/link-token";
import { issuerDeps } from "../../../workers/issuer/deps";
import { EMAIL_SENDS_PER_NETWORK_PER_HOUR } from "../../../workers/issuer/services/email-codes";
import { awaitMail, login, signup, strongPassword } from "./support/accounts-client";
import { codeIn, linkTokenIn, newestEmail, requestEmail, requestedEmail, signInByEmail, verifyEmailCode, verifyEmailToken, type EmailSignInFields } from "./support/email-client";
import { emailInbox, freshEmail, setEmailFault } from "./support/email-sandbox";
import { createTenant, expectError, freshIp, issuerFetch, jsonRequest, refresh, withBearer } from "./support/issuer-client";

const deps = issuerDeps(env);

describe("POST /api/auth/email/request", () => {
  it("emails a code and a sign-in link in the tenant's branding and answers 202 with a request id", async () => {
    const tenant = await createTenant({ email_branding: "Acme Mail", otp_length: 8, otp_expiry_minutes: 7 });
    const address = freshEmail();
    const response = await requestEmail(tenant.api_key, address);
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ request_id: expect.stringMatching(/^req_/), expires_in: 420 });
    const email = await newestEmail(address);
    expect(email.subject).toBe("Your Acme Mail sign-in code");
    expect(codeIn(email)).toMatch(/^[0-9]{8}$/);
    expect(linkTokenIn(email)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(email.text).toContain("http://issuer.test/auth/link?token=");
  });

  it("answers an address with an account exactly as one without (no enumeration)", async () => {
    const tenant = await createTenant();
    const known = freshEmail();
    await signInByEmail(tenant, known);
    const [first, second] = [await requestEmail(tenant.api_key, known), await requestEmail(tenant.api_key, freshEmail())];
    expect(first.status).toBe(202);
    expect(second.status).toBe(202);
    const [a, b] = [await first.json<EmailSignInFields>(), await second.json<EmailSignInFields>()];
    expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());
    expect(a.expires_in).toBe(b.expires_in);
    expect(first.headers.get("Content-Type")).toBe(second.headers.get("Content-Type"));
  });

  it.each([
    ["no at sign", "plain.example.org"],
    ["no domain dot", "someone@localhost"],
    ["a space", "some one@example.org"],
    ["a display name", "Someone <someone@example.org>"],
    ["a header injection", "someone@example.org\r\nBcc: victim@example.org"],
    ["two addresses", "a@example.org,b@example.org"],
    ["an empty string", ""],
  ])("refuses %s with 400 invalid_email and sends nothing", async (_label, email) => {
    const tenant = await createTenant();
    await expectError(await requestEmail(tenant.api_key, email), 400, "invalid_email");
  });

  it("refuses a tenant without email_otp with 403 sign_in_method_disabled and sends nothing", async () => {
    const tenant = await createTenant({ sign_in_methods: ["phone_otp"] });
    const address = freshEmail();
    await expectError(await requestEmail(tenant.api_key, address), 403, "sign_in_method_disabled");
    expect(await emailInbox(address)).toEqual([]);
  });

  it("refuses a request without an API key with 401 invalid_api_key", async () => {
    const response = await issuerFetch("/api/auth/email/request", jsonRequest("POST", { email: freshEmail() }, { "CF-Connecting-IP": freshIp() }));
    await expectError(response, 401, "invalid_api_key");
  });

  it("a resend replaces the code and the link: the old ones are dead, the new ones work", async () => {
    const tenant = await createTenant();
    const address = freshEmail();
    const old = await requestedEmail(tenant, address);
    const fresh = await requestedEmail(tenant, address);
    expect(fresh.requestId).not.toBe(old.requestId);
    await expectError(await verifyEmailToken(tenant.api_key, old.token), 401, "code_expired");
    if (old.code !== fresh.code) await expectError(await verifyEmailCode(tenant.api_key, address, old.code), 401, "invalid_code");
    expect((await verifyEmailCode(tenant.api_key, address, fresh.code)).status).toBe(200);
  });

  it("holds rate_limit_per_hour per address: 429 rate_limited with Retry-After, and no more mail", async () => {
    const tenant = await createTenant({ rate_limit_per_hour: 2 });
    const address = freshEmail();
    expect((await requestEmail(tenant.api_key, address)).status).toBe(202);
    expect((await requestEmail(tenant.api_key, address)).status).toBe(202);
    const limited = await requestEmail(tenant.api_key, address);
    expect(Number(limited.headers.get("Retry-After"))).toBeGreaterThan(0);
    await expectError(limited, 429, "rate_limited");
    expect(await emailInbox(address)).toHaveLength(2);
  });

  it("stops one client network cycling through other people's addresses", async () => {
    const tenant = await createTenant();
    const ip = freshIp();
    for (let sent = 0; sent < EMAIL_SENDS_PER_NETWORK_PER_HOUR; sent += 1) expect((await requestEmail(tenant.api_key, freshEmail(), ip)).status).toBe(202);
    const victim = freshEmail();
    const limited = await requestEmail(tenant.api_key, victim, ip);
    expect(Number(limited.headers.get("Retry-After"))).toBeGreaterThan(0);
    await expectError(limited, 429, "rate_limited");
    expect(await emailInbox(victim)).toEqual([]);
    expect((await requestEmail(tenant.api_key, victim, freshIp())).status).toBe(202);
  });

  it("fails over to Postmark when Resend is down", async () => {
    const tenant = await createTenant();
    const address = freshEmail();
    await setEmailFault("resend", "error_5xx", [address]);
    const { code } = await requestedEmail(tenant, address);
    expect((await newestEmail(address)).provider).toBe("postmark");
    expect((await verifyEmailCode(tenant.api_key, address, code)).status).toBe(200);
  });

  it("answers 502 email_unavailable when every provider fails; the code is dead and the send is not counted", async () => {
    const tenant = await createTenant({ rate_limit_per_hour: 1 });
    const address = freshEmail();
    for (const provider of ["resend", "postmark", "ses"] as const) await setEmailFault(provider, "error_5xx", [address]);
    await expectError(await requestEmail(tenant.api_key, address), 502, "email_unavailable");
    expect(await emailInbox(address)).toEqual([]);
    // No live code: any code is 401 code_expired, not a wrong guess at a live one.
    await expectError(await verifyEmailCode(tenant.api_key, address, "000000"), 401, "code_expired");
    for (const provider of ["resend", "postmark", "ses"] as const) await setEmailFault(provider, "none", [address]);
    expect((await requestEmail(tenant.api_key, address)).status).toBe(202);
  });
});

describe("POST /api/auth/email/verify with a code", () => {
  it("signs a new address in, creating a verified user; the next sign-in finds the same user", async () => {
    const tenant = await createTenant();
    const address = freshEmail();
    const first = await signInByEmail(tenant, address);
    expect(first).toEqual({ token: expect.any(String), refresh_token: expect.any(String), token_type: "Bearer", expires_in: expect.any(Number), user_id: expect.stringMatching(/^usr_/), is_new_user: true });
    const second = await signInByEmail(tenant, address.toUpperCase());
    expect(second.user_id).toBe(first.user_id);
    expect(second.is_new_user).toBe(false);
    const me = await issuerFetch("/api/auth/me", withBearer(first.token));
    expect(await me.json()).toMatchObject({ user_id: first.user_id, email: address });
  });

  it("answers wrong codes with 401 invalid_code and attempts_remaining; once they run out even the right code is 429 too_many_attempts", async () => {
    const tenant = await createTenant({ max_otp_attempts: 2 });
    const address = freshEmail();
    const { code, token } = await requestedEmail(tenant, address);
    const wrong = code === "000000" ? "111111" : "000000";
    expect((await expectError(await verifyEmailCode(tenant.api_key, address, wrong), 401, "invalid_code")).error.attempts_remaining).toBe(1);
    expect((await expectError(await verifyEmailCode(tenant.api_key, address, wrong), 401, "invalid_code")).error.attempts_remaining).toBe(0);
    await expectError(await verifyEmailCode(tenant.api_key, address, code), 429, "too_many_attempts");
    // The link of the same email is a separate secret, not guessable: it still works.
    expect((await verifyEmailToken(tenant.api_key, token)).status).toBe(200);
  });

  it("answers 401 code_expired for an address no code was sent to", async () => {
    const tenant = await createTenant();
    await expectError(await verifyEmailCode(tenant.api_key, freshEmail(), "123456"), 401, "code_expired");
  });

  it("the code spends the link sent with it", async () => {
    const tenant = await createTenant();
    const address = freshEmail();
    const { code, token } = await requestedEmail(tenant, address);
    expect((await verifyEmailCode(tenant.api_key, address, code)).status).toBe(200);
    await expectError(await verifyEmailToken(tenant.api_key, token), 401, "code_expired");
  });

  it("two verifies of one code racing: exactly one session", async () => {
    const tenant = await createTenant();
    const address = freshEmail();
    const { code } = await requestedEmail(tenant, address);
    const answers = await Promise.all(Array.from({ length: 4 }, () => verifyEmailCode(tenant.api_key, address, code)));
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 401, 401, 401]);
  });

  it("refuses another tenant's code: the guard is per tenant", async () => {
    const [owner, other] = [await createTenant(), await createTenant()];
    const address = freshEmail();
    const { code } = await requestedEmail(owner, address);
    await expectError(await verifyEmailCode(other.api_key, address, code), 401, "code_expired");
    expect((await verifyEmailCode(owner.api_key, address, code)).status).toBe(200);
  });
});

describe("POST /api/auth/email/verify with a link token", () => {
  it("signs in with the link's token, and the link spends the code sent with it", async () => {
    const tenant = await createTenant();
    const address = freshEmail();
    const { code, token } = await requestedEmail(tenant, address);
    const signedIn = await verifyEmailToken(tenant.api_key, token);
    expect(signedIn.status).toBe(200);
    expect(await signedIn.json()).toMatchObject({ token_type: "Bearer", is_new_user: true });
    await expectError(await verifyEmailCode(tenant.api_key, address, code), 401, "code_expired");
  });

  it("two verifies of one token racing: exactly one session", async () => {
    const tenant = await createTenant();
    const { token } = await requestedEmail(tenant, freshEmail());
    const answers = await Promise.all(Array.from({ length: 4 }, () => verifyEmailToken(tenant.api_key, token)));
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 401, 401, 401]);
  });

  it.each([
    ["a malformed token", "not-a-token"],
    ["an unknown token of the right shape", "A".repeat(43)],
  ])("answers %s with 401 code_expired", async (_label, token) => {
    const tenant = await createTenant();
    await expectError(await verifyEmailToken(tenant.api_key, token), 401, "code_expired");
  });

  it("refuses another tenant's link without spending it", async () => {
    const [owner, other] = [await createTenant(), await createTenant()];
    const { token } = await requestedEmail(owner, freshEmail());
    await expectError(await verifyEmailToken(other.api_key, token), 401, "code_expired");
    expect((await verifyEmailToken(owner.api_key, token)).status).toBe(200);
  });

  it("refuses a password-reset token with 401 code_expired and leaves it unspent", async () => {
    const tenant = await createTenant();
    const link = await newLinkToken();
    const now = new Date();
    await deps.emailTokens.issue({ tokenHash: link.hash, tenantId: tenant.tenant_id, userId: null, purpose: "reset_password", email: freshEmail(), requestId: null, expiresAt: new Date(now.getTime() + 600_000) }, now);
    await expectError(await verifyEmailToken(tenant.api_key, link.token), 401, "code_expired");
    expect(await deps.emailTokens.find(await linkTokenHash(link.token), new Date())).toMatchObject({ purpose: "reset_password" });
  });

  it.each([
    ["both shapes", { email: "someone@example.org", code: "123456", token: "A".repeat(43) }],
    ["neither shape", {}],
    ["an address without a code", { email: "someone@example.org" }],
    ["a code without an address", { code: "123456" }],
  ])("refuses a body with %s with 400 invalid_request", async (_label, body) => {
    const tenant = await createTenant();
    const response = await issuerFetch("/api/auth/email/verify", jsonRequest("POST", body, { "x-api-key": tenant.api_key, "CF-Connecting-IP": freshIp() }));
    await expectError(response, 400, "invalid_request");
  });
});

describe("sign_in_methods without email_otp", () => {
  it("refuses a sign-in link with 403 sign_in_method_disabled and leaves it unspent", async () => {
    const tenant = await createTenant();
    const { token } = await requestedEmail(tenant, freshEmail());
    await adminPatchSettings(tenant.tenant_id, { sign_in_methods: ["phone_otp"] });
    await expectError(await verifyEmailToken(tenant.api_key, token), 403, "sign_in_method_disabled");
    await adminPatchSettings(tenant.tenant_id, { sign_in_methods: ["phone_otp", "email_otp"] });
    expect((await verifyEmailToken(tenant.api_key, token)).status).toBe(200);
  });
});

describe("the pre-hijacking defence", () => {
  it("an unverified password account made for someone else's address is taken over when the owner signs in by code: its password dropped, its sessions revoked", async () => {
    const tenant = await createTenant();
    const address = freshEmail();
    const squatter = await signInByEmail(tenant, freshEmail());
    // The squatter's account claims the victim's address without proving it, with a password set.
    const created = await deps.accounts.createWithPassword({
      id: newId("usr"),
      tenantId: tenant.tenant_id,
      email: address,
      emailVerified: false,
      passwordHash: "$argon2id$v=19$m=19456,t=2,p=1$c3F1YXR0ZXJzYWx0$c3F1YXR0ZXJzcGFzc3dvcmRoYXNoMDAwMDAwMDAwMDA",
      roles: [],
    });
    expect(created.kind).toBe("created");
    const claimant = created.kind === "created" ? created.user.id : "";
    const opened = await deps.sessions.openForUser({
      tenantId: tenant.tenant_id,
      userId: claimant,
      session: { id: newId("ses"), refreshTokenHash: await linkTokenHash(crypto.randomUUID()), expiresAt: new Date(Date.now() + 3_600_000), ip: null, userAgent: null, amr: ["pwd"], authTime: new Date() },
    });
    expect(opened.kind).toBe("opened");
    expect(squatter.user_id).not.toBe(claimant);

    const owner = await signInByEmail(tenant, address);
    expect(owner.user_id).toBe(claimant);
    expect(owner.is_new_user).toBe(false);
    const credential = await deps.accounts.findCredential(claimant);
    expect(credential?.passwordHash).toBeNull();
    expect(credential?.user.emailVerified).toBe(true);
    const audit = await issuerFetch(`/api/admin/audit?user_id=${claimant}&type=auth.unverified_claim_taken_over`, { headers: { Authorization: `Bearer ${env.ADMIN_TOKEN}` } });
    const events = (await audit.json<{ events: { details: Record<string, unknown> }[] }>()).events;
    expect(events).toHaveLength(1);
    expect(events[0]?.details).toMatchObject({ password_dropped: true, sessions_revoked: 1 });
    expect(JSON.stringify(events)).not.toContain(address);
    // The owner's own session, opened after the takeover, works.
    expect((await issuerFetch("/api/auth/me", withBearer(owner.token))).status).toBe(200);
    expect((await refresh(tenant.api_key, owner.refresh_token)).status).toBe(200);
  });
});

describe("codes and links sent by sign-up", () => {
  it("a sign-up's verification code confirms the address at /api/auth/email/verify, signing the new user in", async () => {
    const tenant = await createTenant();
    const address = freshEmail();
    const password = strongPassword();
    expect((await signup(tenant.api_key, address, password)).status).toBe(202);
    const [mail] = await awaitMail(address, /^Confirm your email address/);
    const verified = await verifyEmailCode(tenant.api_key, address, codeIn(mail ?? (await newestEmail(address))));
    expect(verified.status).toBe(200);
    const session = await verified.json<{ user_id: string; is_new_user: boolean }>();
    expect(session.is_new_user).toBe(false);
    const loggedIn = await login(tenant.api_key, address, password);
    expect(loggedIn.status).toBe(200);
    expect((await loggedIn.json<{ user_id: string }>()).user_id).toBe(session.user_id);
  });

  it("a sign-up's verification link works at /api/auth/email/verify", async () => {
    const tenant = await createTenant();
    const address = freshEmail();
    expect((await signup(tenant.api_key, address, strongPassword())).status).toBe(202);
    const [mail] = await awaitMail(address, /^Confirm your email address/);
    expect((await verifyEmailToken(tenant.api_key, linkTokenIn(mail ?? (await newestEmail(address))))).status).toBe(200);
  });

  it("the pre-hijacking takeover through the real routes: a squatter's sign-up password stops working once the owner signs in by code", async () => {
    const tenant = await createTenant();
    const address = freshEmail();
    const squatterPassword = strongPassword();
    expect((await signup(tenant.api_key, address, squatterPassword)).status).toBe(202);
    await signInByEmail(tenant, address);
    await expectError(await login(tenant.api_key, address, squatterPassword), 401, "invalid_credentials");
  });
});

async function adminPatchSettings(tenantId: string, settings: Record<string, unknown>): Promise<void> {
  const response = await issuerFetch(`/api/admin/tenants/${tenantId}`, { ...jsonRequest("PATCH", { settings }), headers: { "Content-Type": "application/json", Authorization: `Bearer ${env.ADMIN_TOKEN}` } });
  expect(response.status, await response.clone().text()).toBe(200);
}

describe("how an emailed proof is recorded", () => {
  async function amrOf(token: string): Promise<string[]> {
    const response = await issuerFetch("/api/auth/sessions", withBearer(token));
    const { sessions } = await response.json<{ sessions: { current: boolean; amr: string[] }[] }>();
    return sessions.find((session) => session.current)?.amr ?? [];
  }

  it("a session from an emailed code or link records amr otp (RFC 8176), not sms or pwd", async () => {
    const tenant = await createTenant();
    const address = freshEmail();
    const byCode = await signInByEmail(tenant, address);
    expect(await amrOf(byCode.token)).toEqual(["otp"]);
    await requestEmail(tenant.api_key, address);
    const byLink = await verifyEmailToken(tenant.api_key, linkTokenIn(await newestEmail(address)));
    expect(byLink.status).toBe(200);
    expect(await amrOf((await byLink.json<{ token: string }>()).token)).toEqual(["otp"]);
  });
});

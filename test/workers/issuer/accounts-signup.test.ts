import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { issuerDeps } from "../../../workers/issuer/deps";
import { awaitMail, emailInbox, freshEmail, linkTokens, login, mailCode, passwordUser, signup, sessionAmr, storedLink, strongPassword, verifyByMailedLink, type SessionBody } from "./support/accounts-client";
import { setEmailFault } from "./support/email-sandbox";
import { adminFetch, createTenant, expectError, issuerFetch, signIn, withBearer, type TenantCredentials } from "./support/issuer-client";

const deps = issuerDeps(env);

/** Everything a client could compare between two answers, except what differs per request. */
async function observable(response: Response): Promise<{ status: number; body: string; headers: [string, string][] }> {
  const headers = [...response.headers].filter(([name]) => name !== "x-request-id").sort();
  return { status: response.status, body: await response.text(), headers };
}

describe("POST /api/auth/signup with email verification required (the default)", () => {
  it("answers 202 verification_sent and mails a code and a link for a new address, creating the user unverified", async () => {
    const tenant = await createTenant({ email_branding: "Acme Rockets" });
    const address = freshEmail();
    const password = strongPassword();
    const response = await signup(tenant.api_key, address, password);
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ status: "verification_sent" });
    const [mail] = await emailInbox(address);
    expect(mail?.subject).toBe("Confirm your email address for Acme Rockets");
    expect(mailCode(mail)).toMatch(/^\d{6}$/);
    const [token] = linkTokens(mail);
    const link = await storedLink(token ?? "");
    expect(link).toMatchObject({ tenantId: tenant.tenant_id, purpose: "verify_email", email: address, requestId: expect.stringMatching(/^req_/) });
    const user = await deps.accounts.findByEmail(tenant.tenant_id, address);
    expect(user?.user.id).toBe(link?.userId);
    expect(user?.user.emailVerified).toBe(false);
    expect(user?.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(user?.passwordHash).not.toContain(password);
  });

  it("answers an existing address exactly as a new one (status, body, headers) and mails its owner the account-exists notice instead", async () => {
    const tenant = await createTenant({ email_branding: "Acme" });
    const owner = await passwordUser(tenant);
    const newcomer = freshEmail();
    const forExisting = await observable(await signup(tenant.api_key, owner.email, strongPassword()));
    const forNew = await observable(await signup(tenant.api_key, newcomer, strongPassword()));
    expect(forExisting).toEqual(forNew);
    expect(forExisting.status).toBe(202);

    const [notice] = await awaitMail(owner.email, /already have/);
    expect(notice?.subject).toBe("You already have a Acme account");
    const [signInToken, resetToken] = linkTokens(notice);
    expect(await storedLink(signInToken ?? "")).toMatchObject({ purpose: "sign_in", userId: owner.user_id });
    expect(await storedLink(resetToken ?? "")).toMatchObject({ purpose: "reset_password", userId: owner.user_id });
    // One mail each: the owner got no verification, the newcomer no notice.
    expect((await emailInbox(owner.email)).filter((mail) => mail.subject.startsWith("Confirm"))).toHaveLength(1);
    expect((await emailInbox(newcomer)).map((mail) => mail.subject)).toEqual([expect.stringMatching(/^Confirm/)]);
  });

  it("never overwrites the password of an existing account, verified or not (pre-hijacking)", async () => {
    const tenant = await createTenant();
    const address = freshEmail();
    const first = strongPassword();
    expect((await signup(tenant.api_key, address, first)).status).toBe(202);
    const before = await deps.accounts.findByEmail(tenant.tenant_id, address);
    expect((await signup(tenant.api_key, address.toUpperCase(), strongPassword())).status).toBe(202);
    const after = await deps.accounts.findByEmail(tenant.tenant_id, address);
    expect(after?.passwordHash).toBe(before?.passwordHash);
    expect(after?.user.id).toBe(before?.user.id);
    expect((await awaitMail(address, /already have/)).length).toBe(1);
  });

  it("verify, then log in: the address proven by the mailed link opens a password session", async () => {
    const tenant = await createTenant();
    const address = freshEmail();
    const password = strongPassword();
    expect((await signup(tenant.api_key, address, password)).status).toBe(202);
    await expectError(await login(tenant.api_key, address, password), 403, "email_not_verified");
    const userId = await verifyByMailedLink(tenant, address);
    const response = await login(tenant.api_key, address, password);
    expect(response.status).toBe(200);
    const body = await response.json<SessionBody>();
    expect(body).toMatchObject({ user_id: userId, is_new_user: false, token_type: "Bearer" });
    expect(await sessionAmr(body.token)).toEqual(["pwd"]);
  });

  it("answers 502 email_unavailable alike for a new and an existing address when no provider takes the mail, and leaves no user behind", async () => {
    const tenant = await createTenant();
    const owner = await passwordUser(tenant);
    const newcomer = freshEmail();
    for (const provider of ["resend", "postmark", "ses"] as const) await setEmailFault(provider, "error_5xx", [owner.email, newcomer]);
    const forExisting = await observable(await signup(tenant.api_key, owner.email, strongPassword()));
    const forNew = await observable(await signup(tenant.api_key, newcomer, strongPassword()));
    expect(forExisting.status).toBe(502);
    expect(JSON.parse(forExisting.body)).toMatchObject({ error: { code: "email_unavailable" } });
    expect(forExisting).toEqual(forNew);
    expect(await deps.accounts.findByEmail(tenant.tenant_id, newcomer)).toBeNull();
    for (const provider of ["resend", "postmark", "ses"] as const) await setEmailFault(provider, "none", [owner.email, newcomer]);
    // Once mail flows again, the same address signs up normally.
    expect((await signup(tenant.api_key, newcomer, strongPassword())).status).toBe(202);
    expect((await emailInbox(newcomer)).map((mail) => mail.subject)).toEqual([expect.stringMatching(/^Confirm/)]);
  });

  it("stops mailing an address's owner after rate_limit_per_hour notices, still answering 202 (mail bombing)", async () => {
    const tenant = await createTenant({ rate_limit_per_hour: 2 });
    const owner = await passwordUser(tenant);
    for (let i = 0; i < 4; i++) expect((await signup(tenant.api_key, owner.email, strongPassword())).status).toBe(202);
    expect((await emailInbox(owner.email)).filter((mail) => /already have/.test(mail.subject))).toHaveLength(2);
  });
});

describe("POST /api/auth/signup without email verification", () => {
  it("answers 201 with a password session for a new address", async () => {
    const tenant = await createTenant({ email_verification_required: false });
    const address = freshEmail();
    const response = await signup(tenant.api_key, address, strongPassword());
    expect(response.status).toBe(201);
    const body = await response.json<SessionBody>();
    expect(body).toMatchObject({ token_type: "Bearer", is_new_user: true, user_id: expect.stringMatching(/^usr_/), refresh_token: expect.any(String) });
    expect(await sessionAmr(body.token)).toEqual(["pwd"]);
    expect((await issuerFetch("/api/auth/me", withBearer(body.token))).status).toBe(200);
    expect(await emailInbox(address)).toEqual([]);
  });

  it("answers 409 email_taken for an address an account already holds, in any case", async () => {
    const tenant = await createTenant({ email_verification_required: false });
    const address = freshEmail();
    const first = strongPassword();
    expect((await signup(tenant.api_key, address, first)).status).toBe(201);
    await expectError(await signup(tenant.api_key, address.toUpperCase(), strongPassword()), 409, "email_taken");
    expect((await login(tenant.api_key, address, first)).status).toBe(200);
  });

  it("lets exactly one of two racing sign-ups for one address have it", async () => {
    const tenant = await createTenant({ email_verification_required: false });
    const address = freshEmail();
    const answers = await Promise.all([signup(tenant.api_key, address, strongPassword()), signup(tenant.api_key, address, strongPassword())]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([201, 409]);
  });
});

describe("POST /api/auth/signup refusals", () => {
  it.each([
    ["too_short", "short1"],
    ["too_long", "x".repeat(129)],
    ["breached", "password123"],
    ["breached", "Tr0ub4dor&3"],
  ])("refuses a %s password (%s) with 400 weak_password and writes nothing", async (reason, password) => {
    const tenant = await createTenant();
    const address = freshEmail();
    const body = await expectError(await signup(tenant.api_key, address, password), 400, "weak_password");
    expect(body.error.reason).toBe(reason);
    expect(await deps.accounts.findByEmail(tenant.tenant_id, address)).toBeNull();
    expect(await emailInbox(address)).toEqual([]);
  });

  it("refuses the address itself, or its local part, as the password: weak_password matches_email", async () => {
    const tenant = await createTenant();
    const address = freshEmail();
    const local = address.slice(0, address.indexOf("@"));
    expect((await expectError(await signup(tenant.api_key, address, address.toUpperCase()), 400, "weak_password")).error.reason).toBe("matches_email");
    expect((await expectError(await signup(tenant.api_key, address, local), 400, "weak_password")).error.reason).toBe("matches_email");
  });

  it("counts the minimum in code points after NFKC, with the tenant's password_min_length", async () => {
    const tenant = await createTenant({ password_min_length: 12 });
    expect((await expectError(await signup(tenant.api_key, freshEmail(), "😀".repeat(11)), 400, "weak_password")).error.reason).toBe("too_short");
    expect((await signup(tenant.api_key, freshEmail(), `${"😀".repeat(11)}a`)).status).toBe(202);
  });

  it("accepts a password the range API would refuse when that API is down (fails open)", async () => {
    const tenant = await createTenant();
    await setEmailFault("range", "error_5xx");
    try {
      expect((await signup(tenant.api_key, freshEmail(), "Tr0ub4dor&3")).status).toBe(202);
    } finally {
      await setEmailFault("range", "none");
    }
  });

  it.each([
    ["no @", "not-an-address"],
    ["two @", "a@b@example.org"],
    ["a control character", "user\u0007@example.org"],
    ["a line break", "user@example.org\r\nBcc: victim@example.org"],
    ["a single-label host", "user@localhost"],
  ])("refuses an address with %s as 400 invalid_email, creating no account", async (_label, address) => {
    const tenant = await createTenant();
    await expectError(await signup(tenant.api_key, address, strongPassword()), 400, "invalid_email");
    expect(await usersOf(tenant)).toEqual([]);
  });

  it.each([
    ["a number for the password", { email: "a@example.org", password: 12345678 }, "password"],
    ["no password", { email: "a@example.org" }, "password"],
    ["an unknown field", { email: "a@example.org", password: "a long enough one", name: "x" }, "name"],
  ])("refuses %s with 400 invalid_request", async (_label, body, field) => {
    const tenant = await createTenant();
    const response = await issuerFetch("/api/auth/signup", { method: "POST", headers: { "Content-Type": "application/json", "x-api-key": tenant.api_key }, body: JSON.stringify(body) });
    expect((await expectError(response, 400, "invalid_request")).error.field).toBe(field);
    expect(await usersOf(tenant)).toEqual([]);
  });

  it("is 403 sign_in_method_disabled when the tenant has no password sign-in, whatever the body", async () => {
    const tenant = await createTenant({ sign_in_methods: ["phone_otp", "email_otp"] });
    const address = freshEmail();
    await expectError(await signup(tenant.api_key, address, strongPassword()), 403, "sign_in_method_disabled");
    await expectError(await signup(tenant.api_key, "not an address", "x"), 403, "sign_in_method_disabled");
    expect(await deps.accounts.findByEmail(tenant.tenant_id, address)).toBeNull();
    expect(await emailInbox(address)).toEqual([]);
  });

  it("is 401 invalid_api_key without a tenant key", async () => {
    const response = await issuerFetch("/api/auth/signup", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ email: freshEmail(), password: strongPassword() }) });
    await expectError(response, 401, "invalid_api_key");
  });

  it("gives a phone user's tenant a separate address space: the same address signs up in two tenants", async () => {
    const one = await createTenant({ email_verification_required: false });
    const two = await createTenant({ email_verification_required: false });
    await signIn(one);
    const address = freshEmail();
    expect((await signup(one.api_key, address, strongPassword())).status).toBe(201);
    expect((await signup(two.api_key, address, strongPassword())).status).toBe(201);
  });
});

async function usersOf(tenant: TenantCredentials): Promise<unknown[]> {
  const response = await adminFetch(`/api/admin/users?tenant_id=${tenant.tenant_id}`);
  expect(response.status).toBe(200);
  return (await response.json<{ users: unknown[] }>()).users;
}

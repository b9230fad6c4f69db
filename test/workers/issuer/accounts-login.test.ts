import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { DUMMY_PASSWORD_HASH, parsePasswordHash } from "../../../shared/crypto/password-hash";
import type { RequestContext } from "../../../shared/domain/request-context";
import { resolveTenantSettings } from "../../../shared/domain/tenant-settings";
import { issuerDeps } from "../../../workers/issuer/deps";
import { accountDeps } from "../../../workers/issuer/routes/accounts";
import { AuditRecorder } from "../../../workers/issuer/services/audit-recorder";
import { argon2idPasswords, type PasswordHashing } from "../../../workers/issuer/services/password-hashing";
import { passwordLogin } from "../../../workers/issuer/services/password-login";
import { awaitMail, emailInbox, freshEmail, linkTokens, login, mailCode, passwordUser, signup, sessionAmr, storedLink, strongPassword, type SessionBody } from "./support/accounts-client";
import { adminFetch, createTenant, decodeJwtPart, expectError, freshIp, issuerFetch, jsonRequest, type TenantCredentials } from "./support/issuer-client";

const deps = issuerDeps(env);

describe("POST /api/auth/login", () => {
  it("answers a right password with the sign-in shape, amr pwd", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    const response = await login(tenant.api_key, user.email.toUpperCase(), user.password);
    expect(response.status).toBe(200);
    const body = await response.json<SessionBody>();
    expect(body).toEqual({ token: expect.any(String), refresh_token: expect.any(String), token_type: "Bearer", expires_in: expect.any(Number), user_id: user.user_id, is_new_user: false });
    expect(decodeJwtPart(body.token, 1)).toMatchObject({ sub: user.user_id });
    expect(await sessionAmr(body.token)).toEqual(["pwd"]);
  });

  it("answers a wrong password, an unknown address and a user without a password with the same 401 invalid_credentials", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    const passwordless = await passwordlessAccount(tenant);

    const bodies = await Promise.all(
      [login(tenant.api_key, user.email, `${user.password}x`), login(tenant.api_key, freshEmail(), user.password), login(tenant.api_key, passwordless, user.password)].map(async (answer) => {
        const response = await answer;
        expect(response.status).toBe(401);
        return await response.json();
      }),
    );
    expect(bodies[0]).toMatchObject({ error: { code: "invalid_credentials" } });
    expect(bodies[1]).toEqual(bodies[0]);
    expect(bodies[2]).toEqual(bodies[0]);
  });

  it("answers a right password for an unverified address with 403 email_not_verified and a fresh verification mail, never a session", async () => {
    const tenant = await createTenant();
    const address = freshEmail();
    const password = strongPassword();
    expect((await signup(tenant.api_key, address, password)).status).toBe(202);
    const [first] = await emailInbox(address);
    await expectError(await login(tenant.api_key, address, password), 403, "email_not_verified");
    const mails = await awaitMail(address, /Confirm your email address/, 2);
    expect(mailCode(mails[0])).not.toBeNull();
    // The fresh mail replaces the first: the old link is dead.
    expect(await storedLink(linkTokens(first)[0] ?? "")).toBeNull();
    expect(await storedLink(linkTokens(mails[0])[0] ?? "")).toMatchObject({ purpose: "verify_email" });
  });

  it("gives an unverified address a wrong-password 401, not the verification hint (the hint needs the password)", async () => {
    const tenant = await createTenant();
    const address = freshEmail();
    expect((await signup(tenant.api_key, address, strongPassword())).status).toBe(202);
    await expectError(await login(tenant.api_key, address, strongPassword()), 401, "invalid_credentials");
    expect(await emailInbox(address)).toHaveLength(1);
  });

  it("limits the fresh verification mails of unverified logins to rate_limit_per_hour (mail bombing)", async () => {
    const tenant = await createTenant({ rate_limit_per_hour: 2 });
    const address = freshEmail();
    const password = strongPassword();
    expect((await signup(tenant.api_key, address, password)).status).toBe(202);
    for (let i = 0; i < 3; i++) await expectError(await login(tenant.api_key, address, password), 403, "email_not_verified");
    expect(await emailInbox(address)).toHaveLength(2);
  });

  it("lets an unverified address in when the tenant does not require verification", async () => {
    const tenant = await createTenant({ email_verification_required: false });
    const address = freshEmail();
    const password = strongPassword();
    expect((await signup(tenant.api_key, address, password)).status).toBe(201);
    expect((await login(tenant.api_key, address, password)).status).toBe(200);
  });

  it("answers a disabled user's right password with 403 user_disabled, and a wrong one with 401", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    expect((await adminFetch(`/api/admin/users/${user.user_id}`, jsonRequest("PATCH", { disabled: true }))).status).toBe(200);
    await expectError(await login(tenant.api_key, user.email, user.password), 403, "user_disabled");
    await expectError(await login(tenant.api_key, user.email, "a wrong password"), 401, "invalid_credentials");
  });

  it("stores a fresh hash when the stored one is below the current parameters, and audits it", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    const weak = await weakerHash(user.password);
    expect(await deps.accounts.replacePasswordHash(user.user_id, (await deps.accounts.findCredential(user.user_id))?.passwordHash ?? null, weak)).toBe(true);
    expect((await login(tenant.api_key, user.email, user.password)).status).toBe(200);
    const stored = (await deps.accounts.findCredential(user.user_id))?.passwordHash ?? "";
    expect(stored).not.toBe(weak);
    expect(parsePasswordHash(stored)).toMatchObject({ memoryKiB: 19_456, passes: 2, parallelism: 1 });
    expect((await login(tenant.api_key, user.email, user.password)).status).toBe(200);
    const audit = await adminFetch(`/api/admin/audit?tenant_id=${tenant.tenant_id}&type=auth.password_rehashed`);
    expect((await audit.json<{ events: unknown[] }>()).events).toHaveLength(1);
  });

  it("is 403 sign_in_method_disabled when the tenant has no password sign-in, and counts no guess", async () => {
    const open = await createTenant();
    const user = await passwordUser(open);
    const ip = freshIp();
    const methods = (sign_in_methods: string[]) => adminFetch(`/api/admin/tenants/${open.tenant_id}`, jsonRequest("PATCH", { settings: { sign_in_methods } }));
    expect((await methods(["phone_otp"])).status).toBe(200);
    for (let i = 0; i < 6; i++) await expectError(await login(open.api_key, user.email, `guess ${i}`, ip), 403, "sign_in_method_disabled");
    expect((await methods(["phone_otp", "password"])).status).toBe(200);
    // Six refused guesses from one network would have locked it (five do): none was counted.
    expect((await login(open.api_key, user.email, user.password, ip)).status).toBe(200);
  });

  it.each([
    ["a password longer than 128 characters", { password: "x".repeat(129) }, "password"],
    ["a password that is not text", { password: ["x"] }, "password"],
    ["an empty password", { password: "" }, "password"],
    ["an unknown field", { password: "whatever", remember: true }, "remember"],
  ])("refuses %s with 400 invalid_request before counting a guess", async (_label, body, field) => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    const ip = freshIp();
    for (let i = 0; i < 6; i++) {
      const response = await issuerFetch("/api/auth/login", jsonRequest("POST", { email: user.email, ...body }, { "x-api-key": tenant.api_key, "CF-Connecting-IP": ip }));
      expect((await expectError(response, 400, "invalid_request")).error.field).toBe(field);
    }
    expect((await login(tenant.api_key, user.email, user.password, ip)).status).toBe(200);
  });

  it("refuses a malformed address with 400 invalid_email", async () => {
    const tenant = await createTenant();
    await expectError(await login(tenant.api_key, "user\u0001@example.org", strongPassword()), 400, "invalid_email");
  });
});

describe("POST /api/auth/login throttling", () => {
  it("locks one network out of an account after 5 failures while another network still logs in", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    const attacker = freshIp();
    for (let i = 0; i < 5; i++) await expectError(await login(tenant.api_key, user.email, `guess ${i}`, attacker), 401, "invalid_credentials");
    const locked = await login(tenant.api_key, user.email, user.password, attacker);
    await expectError(locked, 429, "too_many_attempts");
    expect(Number(locked.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect((await login(tenant.api_key, user.email, user.password, freshIp())).status).toBe(200);
  });

  it("answers every one of parallel right-password logins 429 while the network is locked", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    const attacker = freshIp();
    for (let i = 0; i < 5; i++) await expectError(await login(tenant.api_key, user.email, `guess ${i}`, attacker), 401, "invalid_credentials");
    const answers = await Promise.all(Array.from({ length: 8 }, () => login(tenant.api_key, user.email, user.password, attacker)));
    for (const answer of answers) await expectError(answer, 429, "too_many_attempts");
  });

  it("counts parallel wrong guesses one by one: of 12 from one network, exactly 5 are checked", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    const attacker = freshIp();
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => login(tenant.api_key, user.email, `guess ${i}`, attacker)));
    expect(answers.map((answer) => answer.status).sort()).toEqual([...Array(5).fill(401), ...Array(7).fill(429)]);
  });

  it("throttles an unknown address exactly like a known one", async () => {
    const tenant = await createTenant();
    const ip = freshIp();
    const nobody = freshEmail();
    for (let i = 0; i < 5; i++) await expectError(await login(tenant.api_key, nobody, `guess ${i}`, ip), 401, "invalid_credentials");
    await expectError(await login(tenant.api_key, nobody, "guess 6", ip), 429, "too_many_attempts");
  });

  it("audits failures and locks without the password or the address", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    const ip = freshIp();
    const guess = `secret-guess-${crypto.randomUUID()}`;
    for (let i = 0; i < 6; i++) await login(tenant.api_key, user.email, guess, ip);
    const response = await adminFetch(`/api/admin/audit?tenant_id=${tenant.tenant_id}&limit=100`);
    const text = await response.text();
    expect(text).toContain("auth.login_failed");
    expect(text).toContain("auth.login_locked");
    expect(text).not.toContain(guess);
    expect(text).not.toContain(user.email);
    expect(text).not.toContain(user.password);
  });
});

describe("timing equalisation, structurally", () => {
  const context: RequestContext = { requestId: "req_timing", ip: null, network: "192.0.2.1", userAgent: null, country: null };

  function recording(): { passwords: PasswordHashing; verified: string[]; hashed: number } {
    const record = { verified: [] as string[], hashed: 0 };
    const passwords: PasswordHashing = {
      hash: (password) => {
        record.hashed++;
        return argon2idPasswords.hash(password);
      },
      verify: (phc, password) => {
        record.verified.push(phc);
        return argon2idPasswords.verify(phc, password);
      },
    };
    return { passwords, get verified() { return record.verified; }, get hashed() { return record.hashed; } };
  }

  async function loginThrough(tenant: TenantCredentials, email: string, password: string) {
    const record = (await deps.tenants.find(tenant.tenant_id)) ?? null;
    if (!record) throw new Error("tenant vanished");
    const signInTenant = { tenant: record, settings: resolveTenantSettings(record.settings, { tenantName: record.name, defaultAudience: deps.config.defaultAudience }) };
    const watched = recording();
    const audit = new AuditRecorder(deps.auditLog, deps.auditSpool, { ...context, network: freshIp() }, deps.logger);
    const result = await passwordLogin({ ...accountDeps(deps), passwords: watched.passwords }, audit, { ...context, network: freshIp() }, signInTenant, { email, password });
    return { result, verified: watched.verified, hashed: watched.hashed };
  }

  it("verifies exactly once, against a hash of the same parameters, for an unknown address, a user without a password and a wrong password", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    const unknown = await loginThrough(tenant, freshEmail(), user.password);
    const wrong = await loginThrough(tenant, user.email, `${user.password}!`);
    const withoutPassword = await loginThrough(tenant, await passwordlessAccount(tenant), user.password);
    expect(withoutPassword.verified).toEqual([DUMMY_PASSWORD_HASH]);
    for (const attempt of [unknown, wrong, withoutPassword]) {
      expect(attempt.result).toEqual({ ok: false, error: { reason: "invalid_credentials" } });
      expect(attempt.verified).toHaveLength(1);
      expect(attempt.hashed).toBe(0);
    }
    const shape = (phc: string) => {
      const parsed = parsePasswordHash(phc);
      return parsed && { memoryKiB: parsed.memoryKiB, passes: parsed.passes, parallelism: parsed.parallelism, salt: parsed.salt.length, tag: parsed.tag.length };
    };
    expect(unknown.verified[0]).toBe(DUMMY_PASSWORD_HASH);
    expect(shape(unknown.verified[0] ?? "")).toEqual(shape(wrong.verified[0] ?? ""));
    expect(shape(wrong.verified[0] ?? "")).not.toBeNull();
  });

  it("spends the same single verification on a right password", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    const right = await loginThrough(tenant, user.email, user.password);
    expect(right.result.ok).toBe(true);
    expect(right.verified).toHaveLength(1);
  });
});

/**
 * A verified account holding an address without a password: signed up, then the address proven
 * by someone else's code (the takeover of an unverified claim drops the password set before it).
 */
async function passwordlessAccount(tenant: TenantCredentials): Promise<string> {
  const address = freshEmail();
  expect((await signup(tenant.api_key, address, strongPassword())).status).toBe(202);
  const account = await deps.accounts.findByEmail(tenant.tenant_id, address);
  expect(await deps.accounts.claimUnverifiedEmail(account?.user.id ?? "", address)).toMatchObject({ passwordDropped: true });
  return address;
}

/** The same password at a lower memory cost, as an older deployment would have stored it. */
async function weakerHash(password: string): Promise<string> {
  const { argon2idRaw } = await import("../../../shared/crypto/password-hash");
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const tag = await argon2idRaw({ password: new TextEncoder().encode(password.normalize("NFKC")), salt, memorySize: 8_192, passes: 2, parallelism: 1, tagLength: 32 });
  const b64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)).replace(/=+$/, "");
  return `$argon2id$v=19$m=8192,t=2,p=1$${b64(salt)}$${b64(tag)}`;
}

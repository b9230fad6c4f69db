import { describe, expect, it } from "vitest";
import {
  createTenant,
  decodeJwtPart,
  expectError,
  freshIp,
  freshPhone,
  inbox,
  issuerFetch,
  jsonRequest,
  latestCode,
  requestCode,
  signIn,
  verifyCode,
  type SignedIn,
} from "./support/issuer-client";

describe("POST /api/auth/request", () => {
  it("sends the code in the contract's words and answers 202 with a request id", async () => {
    const tenant = await createTenant({ sms_branding: "Acme", otp_length: 8, otp_expiry_minutes: 7 });
    const phone = freshPhone();
    const response = await requestCode(tenant.api_key, phone);
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ request_id: expect.stringMatching(/^req_/), expires_in: 420 });
    const [message] = await inbox(phone);
    expect(message?.body).toMatch(/^Your Acme verification code is: \d{8}\. Expires in 7 minutes\.$/);
    expect(message?.provider).toBe("twilio");
  });

  it("normalises the number: spaces, dashes and brackets reach the same phone", async () => {
    const tenant = await createTenant();
    const phone = freshPhone();
    const spaced = `+1 (${phone.slice(2, 5)}) ${phone.slice(5, 8)}-${phone.slice(8)}`;
    expect((await requestCode(tenant.api_key, spaced)).status).toBe(202);
    expect(await inbox(phone)).toHaveLength(1);
  });

  it("answers the same for a phone with an account and one without", async () => {
    const tenant = await createTenant();
    const known = await signIn(tenant);
    const first = await requestCode(tenant.api_key, known.phone);
    const second = await requestCode(tenant.api_key, freshPhone());
    expect(first.status).toBe(second.status);
    expect(Object.keys(await first.json<object>()).sort()).toEqual(Object.keys(await second.json<object>()).sort());
  });

  it.each([
    ["not a number", "hello"],
    ["too short", "+1415"],
    ["a national number without country code", "4155550123"],
    ["a number inside text", "call +14155550123 now"],
    ["an extension", "+14155550123 ext. 5"],
    ["an unassigned UK number", "+447700900123"],
  ])("refuses %s with 400 invalid_phone", async (_label, phone) => {
    const tenant = await createTenant();
    await expectError(await requestCode(tenant.api_key, phone), 400, "invalid_phone");
  });

  it("refuses a VOIP number under voip_blocking, with reason voip", async () => {
    const tenant = await createTenant();
    const body = await expectError(await requestCode(tenant.api_key, "+445612345678"), 403, "phone_not_allowed");
    expect(body.error.reason).toBe("voip");
    const permissive = await createTenant({ voip_blocking: false });
    expect((await requestCode(permissive.api_key, "+445612345678")).status).toBe(202);
  });

  it("always refuses premium-rate numbers", async () => {
    const tenant = await createTenant({ voip_blocking: false });
    const body = await expectError(await requestCode(tenant.api_key, "+449012345678"), 403, "phone_not_allowed");
    expect(body.error.reason).toBe("premium_rate");
  });

  it("refuses a country outside allowed_countries, with reason country", async () => {
    const tenant = await createTenant({ allowed_countries: ["GB"] });
    const body = await expectError(await requestCode(tenant.api_key, freshPhone()), 403, "phone_not_allowed");
    expect(body.error.reason).toBe("country");
  });

  it("limits sends per phone per hour with 429 and Retry-After, across different client IPs", async () => {
    const tenant = await createTenant({ rate_limit_per_hour: 2 });
    const phone = freshPhone();
    expect((await requestCode(tenant.api_key, phone)).status).toBe(202);
    expect((await requestCode(tenant.api_key, phone)).status).toBe(202);
    const limited = await requestCode(tenant.api_key, phone);
    await expectError(limited, 429, "rate_limited");
    expect(Number(limited.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(await inbox(phone)).toHaveLength(2);
  });

  it("counts the limit on the normalised number, whatever its spelling", async () => {
    const tenant = await createTenant({ rate_limit_per_hour: 1 });
    const phone = freshPhone();
    expect((await requestCode(tenant.api_key, phone)).status).toBe(202);
    await expectError(await requestCode(tenant.api_key, `+1 ${phone.slice(2)}`), 429, "rate_limited");
  });

  it("needs the tenant's publishable key: missing or unknown is 401 invalid_api_key", async () => {
    const tenant = await createTenant();
    await expectError(await issuerFetch("/api/auth/request", jsonRequest("POST", { phone: freshPhone() })), 401, "invalid_api_key");
    await expectError(await requestCode("pk_unknown", freshPhone()), 401, "invalid_api_key");
    await expectError(await requestCode(tenant.secret_key, freshPhone()), 401, "invalid_api_key");
  });

  it("refuses unknown fields and a wrong phone type with 400 invalid_request naming the field", async () => {
    const tenant = await createTenant();
    const extra = await issuerFetch("/api/auth/request", jsonRequest("POST", { phone: freshPhone(), channel: "voice" }, { "x-api-key": tenant.api_key }));
    expect((await expectError(extra, 400, "invalid_request")).error.field).toEqual(expect.any(String));
    const wrongType = await issuerFetch("/api/auth/request", jsonRequest("POST", { phone: 14155550123 }, { "x-api-key": tenant.api_key }));
    expect((await expectError(wrongType, 400, "invalid_request")).error.field).toBe("phone");
  });
});

describe("POST /api/auth/verify", () => {
  it("signs a new user in with an ES256 access token and an opaque refresh token", async () => {
    const tenant = await createTenant({ access_token_ttl_seconds: 600 });
    const phone = freshPhone();
    await requestCode(tenant.api_key, phone);
    const response = await verifyCode(tenant.api_key, phone, await latestCode(phone));
    expect(response.status).toBe(200);
    const body = await response.json<SignedIn>();
    expect(body).toEqual({
      verified: true,
      token: expect.any(String),
      refresh_token: expect.any(String),
      token_type: "Bearer",
      expires_in: 600,
      user_id: expect.stringMatching(/^usr_/),
      is_new_user: true,
    });
    expect(decodeJwtPart(body.token, 0)).toEqual({ alg: "ES256", kid: expect.stringMatching(/^key_/), typ: "at+jwt" });
    const claims = decodeJwtPart(body.token, 1);
    expect(claims).toEqual({
      iss: "http://issuer.test",
      aud: expect.any(String),
      sub: body.user_id,
      tid: tenant.tenant_id,
      sid: expect.stringMatching(/^ses_/),
      roles: ["user"],
      jti: expect.any(String),
      iat: expect.any(Number),
      exp: expect.any(Number),
      auth_time: expect.any(Number),
      amr: ["sms"],
    });
    expect(Math.abs((claims.auth_time as number) - (claims.iat as number))).toBeLessThanOrEqual(1);
    expect((claims.exp as number) - (claims.iat as number)).toBe(600);
    expect(JSON.stringify(claims)).not.toContain(phone.slice(1));
    expect(body.refresh_token.split(".")).toHaveLength(1);
  });

  it("finds the same user on the next sign-in: is_new_user false", async () => {
    const tenant = await createTenant();
    const first = await signIn(tenant);
    const second = await signIn(tenant, first.phone);
    expect(second.user_id).toBe(first.user_id);
    expect(second.is_new_user).toBe(false);
  });

  it("keeps tenants apart: the same phone is a different user in another tenant", async () => {
    const phone = freshPhone();
    const a = await signIn(await createTenant(), phone);
    const b = await signIn(await createTenant(), phone);
    expect(b.user_id).not.toBe(a.user_id);
    expect(b.is_new_user).toBe(true);
  });

  it("answers a wrong code with 401 invalid_code and the attempts remaining, then kills the code", async () => {
    const tenant = await createTenant({ max_otp_attempts: 3 });
    const phone = freshPhone();
    await requestCode(tenant.api_key, phone);
    const code = await latestCode(phone);
    const wrong = code === "000000" ? "111111" : "000000";
    expect((await expectError(await verifyCode(tenant.api_key, phone, wrong), 401, "invalid_code")).error.attempts_remaining).toBe(2);
    expect((await expectError(await verifyCode(tenant.api_key, phone, wrong), 401, "invalid_code")).error.attempts_remaining).toBe(1);
    expect((await expectError(await verifyCode(tenant.api_key, phone, wrong), 401, "invalid_code")).error.attempts_remaining).toBe(0);
    await expectError(await verifyCode(tenant.api_key, phone, wrong), 429, "too_many_attempts");
    await expectError(await verifyCode(tenant.api_key, phone, code), 429, "too_many_attempts");
  });

  it("lets a code work once", async () => {
    const tenant = await createTenant();
    const phone = freshPhone();
    await requestCode(tenant.api_key, phone);
    const code = await latestCode(phone);
    expect((await verifyCode(tenant.api_key, phone, code)).status).toBe(200);
    await expectError(await verifyCode(tenant.api_key, phone, code), 401, "code_expired");
  });

  it("answers 401 code_expired when no code was ever requested", async () => {
    const tenant = await createTenant();
    await expectError(await verifyCode(tenant.api_key, freshPhone(), "123456"), 401, "code_expired");
  });

  it("replaces the old code on resend", async () => {
    const tenant = await createTenant();
    const phone = freshPhone();
    await requestCode(tenant.api_key, phone);
    const oldCode = await latestCode(phone);
    await requestCode(tenant.api_key, phone);
    const newCode = await latestCode(phone);
    if (oldCode !== newCode) await expectError(await verifyCode(tenant.api_key, phone, oldCode), 401, "invalid_code");
    expect((await verifyCode(tenant.api_key, phone, newCode)).status).toBe(200);
  });

  it("does not accept another tenant's code for the same phone", async () => {
    const phone = freshPhone();
    const a = await createTenant();
    const b = await createTenant();
    await requestCode(a.api_key, phone);
    await expectError(await verifyCode(b.api_key, phone, await latestCode(phone)), 401, "code_expired");
  });

  it("has exactly one winner when 12 verifies race on one code", async () => {
    const tenant = await createTenant({ max_otp_attempts: 10 });
    const phone = freshPhone();
    await requestCode(tenant.api_key, phone);
    const code = await latestCode(phone);
    const responses = await Promise.all(Array.from({ length: 12 }, () => verifyCode(tenant.api_key, phone, code)));
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status !== 200).every((status) => status === 401)).toBe(true);
    const losers = await Promise.all(responses.filter((response) => response.status !== 200).map(async (response) => ((await response.json<{ error: { code: string } }>())).error.code));
    expect(new Set(losers)).toEqual(new Set(["code_expired"]));
  });

  it("refuses a code that is not digits of the right shape with 400 invalid_request", async () => {
    const tenant = await createTenant();
    const response = await issuerFetch("/api/auth/verify", jsonRequest("POST", { phone: freshPhone(), code: "12 34 56" }, { "x-api-key": tenant.api_key }));
    expect((await expectError(response, 400, "invalid_request")).error.field).toBe("code");
  });
});

describe("failure lockout per phone and client network, across resends", () => {
  /** Requests a code from `ip` and presents `count` wrong codes against it from the same address; the answers. */
  async function failFrom(tenant: { api_key: string }, phone: string, ip: string, count: number): Promise<Response[]> {
    expect((await requestCode(tenant.api_key, phone, ip)).status).toBe(202);
    const code = await latestCode(phone);
    const wrong = code.startsWith("0") ? "1".repeat(code.length) : "0".repeat(code.length);
    const responses: Response[] = [];
    for (let attempt = 0; attempt < count; attempt += 1) responses.push(await verifyCode(tenant.api_key, phone, wrong, ip));
    return responses;
  }

  it("an attacker's 20 wrong codes lock only the attacker's network: the owner still gets and uses a code", async () => {
    const tenant = await createTenant({ max_otp_attempts: 10, rate_limit_per_hour: 10 });
    const phone = freshPhone();
    const attacker = freshIp();
    await failFrom(tenant, phone, attacker, 10);
    const second = await failFrom(tenant, phone, attacker, 10);
    const locked = second.at(-1) ?? new Response();
    expect(Number(locked.headers.get("Retry-After"))).toBeGreaterThan(0);
    await expectError(locked, 429, "too_many_attempts");

    // The attacker's network can neither ask for codes nor guess any more.
    const resend = await requestCode(tenant.api_key, phone, attacker);
    expect(Number(resend.headers.get("Retry-After"))).toBeGreaterThan(0);
    await expectError(resend, 429, "rate_limited");
    await expectError(await verifyCode(tenant.api_key, phone, "123456", attacker), 429, "too_many_attempts");

    // The owner, on another network, signs in as usual.
    const owner = freshIp();
    expect((await requestCode(tenant.api_key, phone, owner)).status).toBe(202);
    expect((await verifyCode(tenant.api_key, phone, await latestCode(phone), owner)).status).toBe(200);
  });

  it("resets the failure count on a success: 19 failures, a success, then 19 more from the same network are still answered invalid_code", async () => {
    const tenant = await createTenant({ max_otp_attempts: 10, rate_limit_per_hour: 10 });
    const phone = freshPhone();
    const ip = freshIp();
    for (let run = 0; run < 2; run += 1) {
      const failures = [...(await failFrom(tenant, phone, ip, 10)), ...(await failFrom(tenant, phone, ip, 9))];
      expect(failures.map((response) => response.status)).toEqual(Array.from({ length: 19 }, () => 401));
      expect((await verifyCode(tenant.api_key, phone, await latestCode(phone), ip)).status).toBe(200);
    }
  });
});

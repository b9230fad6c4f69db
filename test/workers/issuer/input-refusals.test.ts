/**
 * Inputs the hostile-input properties found getting a 5xx, a 2xx or a write,
 * kept as plain examples: each must get the contract's 4xx and change nothing.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { twilioSignature, type TwilioParam } from "../../../shared/crypto/twilio-signature";
import { adminFetch, createTenant, expectError, freshIp, freshPhone, ISSUER, issuerFetch, jsonRequest, sandboxRequestCounts, signIn } from "./support/issuer-client";

const rawJson = (method: string, text: string, headers: Record<string, string> = {}): RequestInit => ({ method, headers: { "Content-Type": "application/json", ...headers }, body: text });

describe("text Postgres cannot store is refused, not a 500", () => {
  it("refuses U+0000 in a tenant name with 400 invalid_request naming the field", async () => {
    const slug = `nul-${crypto.randomUUID().slice(0, 8)}`;
    const response = await adminFetch("/api/admin/tenants", rawJson("POST", `{"name":"Ac\\u0000me","slug":"${slug}"}`));
    expect((await expectError(response, 400, "invalid_request")).error.field).toBe("name");
    // Nothing was written: the slug is still free.
    expect((await adminFetch("/api/admin/tenants", jsonRequest("POST", { name: "Acme", slug }))).status).toBe(201);
  });

  it("refuses a lone surrogate in a setting and leaves the tenant as it was", async () => {
    const tenant = await createTenant();
    const response = await adminFetch(`/api/admin/tenants/${tenant.tenant_id}`, rawJson("PATCH", '{"settings":{"audience":"aud\\ud800"}}'));
    expect((await expectError(response, 400, "invalid_request")).error.field).toBe("settings.audience");
    const after = await (await adminFetch(`/api/admin/tenants/${tenant.tenant_id}`)).json<{ settings: { audience: string } }>();
    expect(after.settings.audience).toBe(tenant.settings.audience);
  });

  it("refuses U+0000 in a profile metadata key", async () => {
    const user = await signIn(await createTenant());
    const response = await issuerFetch("/api/auth/me", rawJson("PATCH", '{"metadata":{"\\u0000":1}}', { Authorization: `Bearer ${user.token}`, "CF-Connecting-IP": freshIp() }));
    expect((await expectError(response, 400, "invalid_request")).error.field).toBe("metadata.?");
  });

  it("refuses U+0000 in a Turnstile token before anything is sent", async () => {
    const tenant = await createTenant();
    const before = await sandboxRequestCounts();
    const response = await issuerFetch("/api/auth/request", rawJson("POST", JSON.stringify({ phone: freshPhone(), turnstile_token: "\u0000" }), { "x-api-key": tenant.api_key, "CF-Connecting-IP": freshIp() }));
    expect((await expectError(response, 400, "invalid_request")).error.field).toBe("turnstile_token");
    expect(await sandboxRequestCounts()).toEqual(before);
  });
});

describe("prototype keys are refused, never dropped", () => {
  it("refuses __proto__ in user metadata instead of answering 200 without it", async () => {
    const user = await signIn(await createTenant());
    const response = await adminFetch(`/api/admin/users/${user.user_id}`, rawJson("PATCH", '{"metadata":{"__proto__":{"admin":true},"plan":"pro"}}'));
    expect((await expectError(response, 400, "invalid_request")).error.field).toBe("metadata.__proto__");
    const after = await (await adminFetch(`/api/admin/users/${user.user_id}`)).json<{ metadata: Record<string, unknown> }>();
    expect(after.metadata).toEqual({});
  });

  it("refuses constructor nested in profile metadata", async () => {
    const user = await signIn(await createTenant());
    const response = await issuerFetch("/api/auth/me", rawJson("PATCH", '{"metadata":{"a":{"constructor":{"prototype":{"x":1}}}}}', { Authorization: `Bearer ${user.token}`, "CF-Connecting-IP": freshIp() }));
    expect((await expectError(response, 400, "invalid_request")).error.field).toBe("metadata.a.constructor");
  });
});

it("refuses a control character inside a tenant name, which would become the SMS branding", async () => {
  const response = await adminFetch("/api/admin/tenants", jsonRequest("POST", { name: "Acme\nYour code is 123456", slug: `ctl-${crypto.randomUUID().slice(0, 8)}` }));
  expect((await expectError(response, 400, "invalid_request")).error.field).toBe("name");
});

describe("DELETE routes take no body", () => {
  it("refuses a body on DELETE /api/admin/users/{id}, and the user stays", async () => {
    const user = await signIn(await createTenant());
    await expectError(await adminFetch(`/api/admin/users/${user.user_id}`, rawJson("DELETE", '{"a":1,"a":2}')), 400, "invalid_request");
    expect((await adminFetch(`/api/admin/users/${user.user_id}`)).status).toBe(200);
    expect((await adminFetch(`/api/admin/users/${user.user_id}`, { method: "DELETE", body: "{}" })).status).toBe(204);
  });

  it("refuses a body on DELETE /api/admin/tenants/{id}/keys/{key_id}, and the key keeps working", async () => {
    const tenant = await createTenant();
    const created = await (await adminFetch(`/api/admin/tenants/${tenant.tenant_id}/keys`, { method: "POST" })).json<{ key_id: string; api_key: string }>();
    await expectError(await adminFetch(`/api/admin/tenants/${tenant.tenant_id}/keys/${created.key_id}`, rawJson("DELETE", "x".repeat(17_000))), 413, "payload_too_large");
    const refresh = await issuerFetch("/api/auth/refresh", jsonRequest("POST", { refresh_token: "rt_unknown" }, { "x-api-key": created.api_key, "CF-Connecting-IP": freshIp() }));
    await expectError(refresh, 401, "invalid_grant");
  });
});

describe("query strings of list endpoints", () => {
  it("refuses a parameter given twice", async () => {
    const tenant = await createTenant();
    const response = await adminFetch(`/api/admin/users?tenant_id=${tenant.tenant_id}&tenant_id=${tenant.tenant_id}`);
    expect((await expectError(response, 400, "invalid_request")).error.field).toBe("query.tenant_id");
    await expectError(await adminFetch(`/api/admin/tenants/${tenant.tenant_id}/sms-stats?days=1&days=2`), 400, "invalid_request");
  });

  it("refuses an id filter that is not an id of its kind, U+0000 included", async () => {
    for (const query of ["tenant_id=tn_", "tenant_id=%00", "user_id=usr_x", "tenant_id=%ED%A0%80"]) {
      expect((await expectError(await adminFetch(`/api/admin/audit?${query}`), 400, "invalid_request")).error.field).toMatch(/^query\.(tenant|user)_id$/);
    }
  });

  it("reads integers only in plain decimal", async () => {
    for (const limit of ["0x10", "1e1", "%2B5", "5.0"]) await expectError(await adminFetch(`/api/admin/users?limit=${limit}`), 400, "invalid_request");
    expect((await adminFetch("/api/admin/users?limit=10")).status).toBe(200);
  });
});

it("refuses a signed Twilio report that gives MessageSid twice", async () => {
  const sid = `SM${"0".repeat(32)}`;
  const params: TwilioParam[] = [["MessageSid", sid], ["MessageStatus", "delivered"], ["MessageSid", `SM${"1".repeat(32)}`]];
  const path = "/api/webhooks/twilio/status";
  const response = await issuerFetch(path, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": await twilioSignature(env.TWILIO_AUTH_TOKEN, `${ISSUER}${path}`, params) },
    body: new URLSearchParams(params.map(([name, value]) => [name, value])).toString(),
  });
  expect((await expectError(response, 400, "invalid_request")).error.field).toBe("MessageSid");
});

describe("validation messages are plain words about the field", () => {
  /** Wordings zod and other validators use by default: none may reach a client. */
  const LIBRARY_WORDING = /^(Invalid\b|Required$|Too (small|big)|Expected \w+|Not in the expected format|Not one of the allowed values)|expected \w+, received|Unrecognized key|must contain at (least|most)|(String|Number|Array) must/i;

  interface Case {
    readonly name: string;
    readonly send: () => Promise<Response>;
    readonly field: string;
  }

  const withKey = (apiKey: string, path: string, body: unknown) => issuerFetch(path, jsonRequest("POST", body, { "x-api-key": apiKey, "CF-Connecting-IP": freshIp() }));
  const tenants = (body: unknown) => adminFetch("/api/admin/tenants", jsonRequest("POST", body));
  const slug = () => `msg-${crypto.randomUUID().slice(0, 8)}`;

  async function cases(): Promise<Case[]> {
    const tenant = await createTenant();
    const user = await signIn(tenant);
    const me = (body: unknown) => issuerFetch("/api/auth/me", jsonRequest("PATCH", body, { Authorization: `Bearer ${user.token}`, "CF-Connecting-IP": freshIp() }));
    const report = async (params: TwilioParam[]) => {
      const path = "/api/webhooks/twilio/status";
      return issuerFetch(path, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": await twilioSignature(env.TWILIO_AUTH_TOKEN, `${ISSUER}${path}`, params) },
        body: new URLSearchParams(params.map(([name, value]) => [name, value])).toString(),
      });
    };
    const setting = (settings: Record<string, unknown>) => () => tenants({ name: "Acme", slug: slug(), settings });
    return [
      { name: "request without a phone", send: () => withKey(tenant.api_key, "/api/auth/request", {}), field: "phone" },
      { name: "request with a numeric phone", send: () => withKey(tenant.api_key, "/api/auth/request", { phone: 14155550123 }), field: "phone" },
      { name: "request with an empty Turnstile token", send: () => withKey(tenant.api_key, "/api/auth/request", { phone: freshPhone(), turnstile_token: "" }), field: "turnstile_token" },
      { name: "verify with a short code", send: () => withKey(tenant.api_key, "/api/auth/verify", { phone: freshPhone(), code: "12" }), field: "code" },
      { name: "verify without a code", send: () => withKey(tenant.api_key, "/api/auth/verify", { phone: freshPhone() }), field: "code" },
      { name: "refresh with an empty token", send: () => withKey(tenant.api_key, "/api/auth/refresh", { refresh_token: "" }), field: "refresh_token" },
      { name: "refresh with an overlong token", send: () => withKey(tenant.api_key, "/api/auth/refresh", { refresh_token: "r".repeat(513) }), field: "refresh_token" },
      { name: "introspect with an empty token", send: () => issuerFetch("/api/auth/introspect", jsonRequest("POST", { token: "" }, { Authorization: `Bearer ${tenant.secret_key}` })), field: "token" },
      { name: "introspect with a long hint", send: () => issuerFetch("/api/auth/introspect", jsonRequest("POST", { token: "x", token_type_hint: "h".repeat(65) }, { Authorization: `Bearer ${tenant.secret_key}` })), field: "token_type_hint" },
      { name: "profile with a numeric email", send: () => me({ email: 42 }), field: "email" },
      { name: "email request without an address", send: () => withKey(tenant.api_key, "/api/auth/email/request", {}), field: "email" },
      { name: "email request with a list for an address", send: () => withKey(tenant.api_key, "/api/auth/email/request", { email: ["a@example.org"] }), field: "email" },
      { name: "email verify with a short code", send: () => withKey(tenant.api_key, "/api/auth/email/verify", { email: "a@example.org", code: "12" }), field: "code" },
      { name: "email verify with a numeric token", send: () => withKey(tenant.api_key, "/api/auth/email/verify", { token: 7 }), field: "token" },
      { name: "email verify with a code and a token", send: () => withKey(tenant.api_key, "/api/auth/email/verify", { email: "a@example.org", code: "123456", token: "A".repeat(43) }), field: "body" },
      { name: "profile with a list for metadata", send: () => me({ metadata: [] }), field: "metadata" },
      { name: "profile with an overlong metadata key", send: () => me({ metadata: { ["k".repeat(101)]: 1 } }), field: `metadata.${"k".repeat(101)}` },
      { name: "tenant with an empty name", send: () => tenants({ name: "", slug: slug() }), field: "name" },
      { name: "tenant with a bad slug", send: () => tenants({ name: "Acme", slug: "Not A Slug" }), field: "slug" },
      { name: "tenant without a slug", send: () => tenants({ name: "Acme" }), field: "slug" },
      { name: "otp_length below its range", send: setting({ otp_length: 3 }), field: "settings.otp_length" },
      { name: "otp_length above its range", send: setting({ otp_length: 11 }), field: "settings.otp_length" },
      { name: "otp_length not whole", send: setting({ otp_length: 4.5 }), field: "settings.otp_length" },
      { name: "voip_blocking as text", send: setting({ voip_blocking: "yes" }), field: "settings.voip_blocking" },
      { name: "sms_branding too long", send: setting({ sms_branding: "b".repeat(31) }), field: "settings.sms_branding" },
      { name: "an unknown country", send: setting({ allowed_countries: ["XX"] }), field: "settings.allowed_countries.0" },
      { name: "an empty country list", send: setting({ allowed_countries: [] }), field: "settings.allowed_countries" },
      { name: "a malformed default role", send: setting({ default_roles: ["Bad Role"] }), field: "settings.default_roles.0" },
      { name: "a CORS origin with a path", send: setting({ cors_origins: ["https://app.example.com/path"] }), field: "settings.cors_origins.0" },
      { name: "an empty audience", send: setting({ audience: "" }), field: "settings.audience" },
      { name: "a Turnstile site key with a space", send: setting({ turnstile: { site_key: "a b", secret_key: "s" } }), field: "settings.turnstile.site_key" },
      { name: "a tenant name that is not text", send: () => adminFetch(`/api/admin/tenants/${tenant.tenant_id}`, jsonRequest("PATCH", { name: 5 })), field: "name" },
      { name: "a malformed user role", send: () => adminFetch(`/api/admin/users/${user.user_id}`, jsonRequest("PATCH", { roles: ["Bad Role"] })), field: "roles.0" },
      { name: "too many user roles", send: () => adminFetch(`/api/admin/users/${user.user_id}`, jsonRequest("PATCH", { roles: Array.from({ length: 21 }, (_, index) => `r${String(index)}`) })), field: "roles" },
      { name: "disabled as text", send: () => adminFetch(`/api/admin/users/${user.user_id}`, jsonRequest("PATCH", { disabled: "no" })), field: "disabled" },
      { name: "a limit of zero", send: () => adminFetch("/api/admin/users?limit=0"), field: "query.limit" },
      { name: "a limit in words", send: () => adminFetch("/api/admin/users?limit=ten"), field: "query.limit" },
      { name: "a tenant filter that is no tenant id", send: () => adminFetch("/api/admin/users?tenant_id=acme"), field: "query.tenant_id" },
      { name: "an overlong phone filter", send: () => adminFetch(`/api/admin/users?phone=${"1".repeat(41)}`), field: "query.phone" },
      { name: "an unknown audit event type", send: () => adminFetch("/api/admin/audit?type=nope"), field: "query.type" },
      { name: "a user filter that is no user id", send: () => adminFetch("/api/admin/audit?user_id=bob"), field: "query.user_id" },
      { name: "too many days of SMS statistics", send: () => adminFetch(`/api/admin/tenants/${tenant.tenant_id}/sms-stats?days=91`), field: "query.days" },
      { name: "a filter given twice", send: () => adminFetch("/api/admin/users?limit=1&limit=2"), field: "query.limit" },
      { name: "an unknown delivery status", send: () => report([["MessageSid", `SM${"a".repeat(32)}`], ["MessageStatus", "bogus"]]), field: "MessageStatus" },
      { name: "a malformed message SID", send: () => report([["MessageSid", "SM1"], ["MessageStatus", "delivered"]]), field: "MessageSid" },
    ];
  }

  it("walks every issuer route's fields with bad values: 400 invalid_request naming the field, in words of ours", async () => {
    for (const { name, send, field } of await cases()) {
      const response = await send();
      const text = await response.text();
      expect(response.status, `${name}: ${text}`).toBe(400);
      const { error } = JSON.parse(text) as { error: { code: string; field: string; message: string } };
      expect(error.code, name).toBe("invalid_request");
      expect(error.field, name).toBe(field);
      expect(error.message, name).not.toMatch(LIBRARY_WORDING);
      // Long paths are cut short in the message; `field` has them whole.
      expect(error.message.startsWith(`${field.slice(0, 40)} `), `${name}: "${error.message}" names the field first`).toBe(true);
      expect(error.message, name).toMatch(/^[\x20-\x7e…]+\.$/);
    }
  });

  it("answers an empty phone, and any text that is not a number, with 400 invalid_phone", async () => {
    const tenant = await createTenant();
    for (const phone of ["", " ", "+", "x".repeat(65)]) {
      await expectError(await issuerFetch("/api/auth/request", jsonRequest("POST", { phone }, { "x-api-key": tenant.api_key, "CF-Connecting-IP": freshIp() })), 400, "invalid_phone");
      await expectError(await issuerFetch("/api/auth/verify", jsonRequest("POST", { phone, code: "123456" }, { "x-api-key": tenant.api_key, "CF-Connecting-IP": freshIp() })), 400, "invalid_phone");
    }
  });
});

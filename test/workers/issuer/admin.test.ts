import { Redis } from "@upstash/redis/cloudflare";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { USER_MARK_MEMBER, userKey } from "../../../shared/domain/revocation-entries";
import {
  adminFetch,
  createTenant,
  decodeJwtPart,
  expectError,
  freshPhone,
  issuerFetch,
  jsonRequest,
  refresh,
  requestCode,
  signIn,
  verifyCode,
  latestCode,
  withBearer,
  type TenantCredentials,
} from "./support/issuer-client";

const redis = new Redis({ url: env.UPSTASH_REDIS_REST_URL, token: env.UPSTASH_REDIS_REST_TOKEN });

function introspect(secretKey: string, token: string): Promise<Response> {
  return issuerFetch("/api/auth/introspect", withBearer(secretKey, jsonRequest("POST", { token })));
}

interface UserBody {
  user_id: string;
  tenant_id: string;
  phone: string | null;
  roles: string[];
  metadata: Record<string, unknown>;
  disabled: boolean;
}

describe("admin authentication", () => {
  it.each([
    ["no token", undefined],
    ["a wrong token", "Bearer wrong-token-wrong-token-wrong"],
    ["the token with a different scheme", "Basic xyz"],
  ])("refuses %s with 401 unauthorized", async (_label, authorization) => {
    const response = await issuerFetch("/api/admin/tenants", { ...jsonRequest("POST", { name: "x", slug: "x" }), headers: { "Content-Type": "application/json", ...(authorization ? { Authorization: authorization } : {}) } });
    await expectError(response, 401, "unauthorized");
  });
});

describe("tenants", () => {
  it("creates a tenant with defaults, keys shown once", async () => {
    const slug = `acme-${crypto.randomUUID().slice(0, 8)}`;
    const response = await adminFetch("/api/admin/tenants", jsonRequest("POST", { name: "Acme", slug }));
    expect(response.status).toBe(201);
    const body = await response.json<TenantCredentials & { name: string; slug: string }>();
    expect(body).toMatchObject({ tenant_id: expect.stringMatching(/^tn_/), name: "Acme", slug, api_key: expect.any(String), secret_key: expect.any(String) });
    expect(body.settings).toMatchObject({
      otp_length: 6,
      otp_expiry_minutes: 10,
      max_otp_attempts: 5,
      rate_limit_per_hour: 5,
      voip_blocking: true,
      sms_branding: "Acme",
      allowed_countries: null,
      access_token_ttl_seconds: 900,
      refresh_token_ttl_seconds: 604800,
      default_roles: ["user"],
      cors_origins: [],
      refresh_reuse_interval_seconds: 10,
      carrier_lookup: false,
      sign_in_methods: ["phone_otp", "email_otp", "password", "passkey"],
      email_verification_required: true,
      password_min_length: 8,
      mfa: "optional",
      email_branding: "Acme",
      redirect_uris: [],
      branding: {},
    });
    const fetched = await adminFetch(`/api/admin/tenants/${body.tenant_id}`);
    expect(fetched.status).toBe(200);
    const text = await fetched.text();
    expect(text).not.toContain(body.api_key);
    expect(text).not.toContain(body.secret_key);
  });

  it("refuses a duplicate slug with 409 slug_taken", async () => {
    const slug = `dup-${crypto.randomUUID().slice(0, 8)}`;
    expect((await adminFetch("/api/admin/tenants", jsonRequest("POST", { name: "A", slug }))).status).toBe(201);
    await expectError(await adminFetch("/api/admin/tenants", jsonRequest("POST", { name: "B", slug })), 409, "slug_taken");
  });

  it.each([
    ["settings.otp_length", { otp_length: 3 }],
    ["settings.otp_length", { otp_length: 11 }],
    ["settings.otp_expiry_minutes", { otp_expiry_minutes: 61 }],
    ["settings.max_otp_attempts", { max_otp_attempts: 0 }],
    ["settings.rate_limit_per_hour", { rate_limit_per_hour: 101 }],
    ["settings.sms_branding", { sms_branding: "x".repeat(31) }],
    ["settings.allowed_countries", { allowed_countries: ["XX"] }],
    ["settings.access_token_ttl_seconds", { access_token_ttl_seconds: 3601 }],
    ["settings.refresh_token_ttl_seconds", { refresh_token_ttl_seconds: 3599 }],
    ["settings.refresh_reuse_interval_seconds", { refresh_reuse_interval_seconds: 61 }],
    ["settings.cors_origins", { cors_origins: ["not a url"] }],
    ["settings.sign_in_methods", { sign_in_methods: [] }],
    ["settings.sign_in_methods", { sign_in_methods: ["carrier_pigeon"] }],
    ["settings.sign_in_methods", { sign_in_methods: ["password", "password"] }],
    ["settings.email_verification_required", { email_verification_required: "yes" }],
    ["settings.password_min_length", { password_min_length: 7 }],
    ["settings.password_min_length", { password_min_length: 65 }],
    ["settings.mfa", { mfa: "always" }],
    ["settings.email_branding", { email_branding: "Acme\nClick here" }],
    ["settings.redirect_uris", { redirect_uris: ["http://app.example/callback"] }],
    ["settings.redirect_uris", { redirect_uris: ["https://app.example/callback#frag"] }],
    ["settings.branding", { branding: { primary_color: "red" } }],
    ["settings.branding", { branding: { logo_url: "http://cdn.example/logo.png" } }],
    ["settings.branding", { branding: { font: "Comic Sans" } }],
    ["settings.favourite_colour", { favourite_colour: "blue" }],
  ])("refuses an out-of-range or unknown setting (%s) with 400 invalid_request", async (field, settings) => {
    const response = await adminFetch("/api/admin/tenants", jsonRequest("POST", { name: "Bad", slug: `bad-${crypto.randomUUID().slice(0, 8)}`, settings }));
    const body = await expectError(response, 400, "invalid_request");
    // An element of a list is named by its index, e.g. settings.allowed_countries.0.
    expect(String(body.error.field).startsWith(field)).toBe(true);
  });

  it("refuses a missing name or a bad slug, naming the field", async () => {
    expect((await expectError(await adminFetch("/api/admin/tenants", jsonRequest("POST", { slug: "ok-slug" })), 400, "invalid_request")).error.field).toBe("name");
    expect((await expectError(await adminFetch("/api/admin/tenants", jsonRequest("POST", { name: "x", slug: "Not A Slug" })), 400, "invalid_request")).error.field).toBe("slug");
  });

  it("merges settings on PATCH and validates the result", async () => {
    const tenant = await createTenant({ otp_length: 8 });
    const response = await adminFetch(`/api/admin/tenants/${tenant.tenant_id}`, jsonRequest("PATCH", { name: "Renamed", settings: { max_otp_attempts: 3 } }));
    expect(response.status).toBe(200);
    const body = (await response.json<{ name: string; settings: Record<string, unknown> }>());
    expect(body.name).toBe("Renamed");
    expect(body.settings).toMatchObject({ otp_length: 8, max_otp_attempts: 3 });
    await expectError(await adminFetch(`/api/admin/tenants/${tenant.tenant_id}`, jsonRequest("PATCH", { settings: { otp_length: 99 } })), 400, "invalid_request");
  });

  it("keeps both of two concurrent settings patches", async () => {
    const tenant = await createTenant();
    await Promise.all([
      adminFetch(`/api/admin/tenants/${tenant.tenant_id}`, jsonRequest("PATCH", { settings: { otp_length: 7 } })),
      adminFetch(`/api/admin/tenants/${tenant.tenant_id}`, jsonRequest("PATCH", { settings: { max_otp_attempts: 2 } })),
    ]);
    const body = (await (await adminFetch(`/api/admin/tenants/${tenant.tenant_id}`)).json<{ settings: Record<string, unknown> }>());
    expect(body.settings).toMatchObject({ otp_length: 7, max_otp_attempts: 2 });
  });

  it("answers 404 not_found for an unknown or malformed tenant id", async () => {
    await expectError(await adminFetch("/api/admin/tenants/tn_00000000000000000000000000"), 404, "not_found");
    await expectError(await adminFetch("/api/admin/tenants/../../etc"), 404, "not_found");
  });
});

describe("tenant key pairs", () => {
  it("adds a pair that works beside the first, and deleting one stops it at once", async () => {
    const tenant = await createTenant();
    const created = await adminFetch(`/api/admin/tenants/${tenant.tenant_id}/keys`, { method: "POST" });
    expect(created.status).toBe(201);
    const pair = (await created.json<{ key_id: string; api_key: string; secret_key: string }>());
    expect(pair.key_id).toMatch(/^key_/);
    expect((await requestCode(pair.api_key, freshPhone())).status).toBe(202);
    expect((await requestCode(tenant.api_key, freshPhone())).status).toBe(202);

    expect((await adminFetch(`/api/admin/tenants/${tenant.tenant_id}/keys/${pair.key_id}`, { method: "DELETE" })).status).toBe(204);
    await expectError(await requestCode(pair.api_key, freshPhone()), 401, "invalid_api_key");
    expect((await requestCode(tenant.api_key, freshPhone())).status).toBe(202);
    await expectError(await adminFetch(`/api/admin/tenants/${tenant.tenant_id}/keys/${pair.key_id}`, { method: "DELETE" }), 404, "not_found");
  });

  it("does not delete another tenant's key", async () => {
    const a = await createTenant();
    const b = await createTenant();
    const pair = (await (await adminFetch(`/api/admin/tenants/${a.tenant_id}/keys`, { method: "POST" })).json<{ key_id: string; api_key: string }>());
    await expectError(await adminFetch(`/api/admin/tenants/${b.tenant_id}/keys/${pair.key_id}`, { method: "DELETE" }), 404, "not_found");
    expect((await requestCode(pair.api_key, freshPhone())).status).toBe(202);
  });
});

describe("users", () => {
  it("lists a tenant's users with cursor pagination, and filters by phone", async () => {
    const tenant = await createTenant();
    const signedIn = [];
    for (let index = 0; index < 3; index += 1) signedIn.push(await signIn(tenant));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `tenant_id=${tenant.tenant_id}&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
      const page = (await (await adminFetch(`/api/admin/users?${query}`)).json<{ users: UserBody[]; next_cursor: string | null }>());
      expect(page.users.length).toBeLessThanOrEqual(2);
      seen.push(...page.users.map((user) => user.user_id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen.sort()).toEqual(signedIn.map((user) => user.user_id).sort());

    const target = signedIn[1];
    const byPhone = (await (await adminFetch(`/api/admin/users?tenant_id=${tenant.tenant_id}&phone=${encodeURIComponent(target?.phone ?? "")}`)).json<{ users: UserBody[] }>());
    expect(byPhone.users.map((user) => user.user_id)).toEqual([target?.user_id]);
  });

  it("refuses a bad cursor, a bad limit and unknown query parameters with 400 invalid_request", async () => {
    await expectError(await adminFetch("/api/admin/users?cursor=garbage"), 400, "invalid_request");
    await expectError(await adminFetch("/api/admin/users?limit=0"), 400, "invalid_request");
    await expectError(await adminFetch("/api/admin/users?limit=1000"), 400, "invalid_request");
    await expectError(await adminFetch("/api/admin/users?sort=phone"), 400, "invalid_request");
  });

  it("gets and patches a user: roles and metadata show in the next token", async () => {
    const tenant = await createTenant();
    const user = await signIn(tenant);
    const fetched = await (await adminFetch(`/api/admin/users/${user.user_id}`)).json<UserBody>();
    expect(fetched).toMatchObject({ user_id: user.user_id, tenant_id: tenant.tenant_id, phone: user.phone, roles: ["user"], disabled: false, email_verified: false, has_password: false });
    const patched = await adminFetch(`/api/admin/users/${user.user_id}`, jsonRequest("PATCH", { roles: ["user", "admin"], metadata: { plan: "pro" } }));
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ roles: ["user", "admin"], metadata: { plan: "pro" } });
    const again = await signIn(tenant, user.phone);
    const claims = JSON.parse(atob((again.token.split(".")[1] ?? "").replace(/-/g, "+").replace(/_/g, "/"))) as { roles: string[] };
    expect(claims.roles).toEqual(["user", "admin"]);
  });

  it("taking a role away revokes the user's outstanding access tokens at once and publishes an issued-before mark; the session refreshes without the role", async () => {
    const tenant = await createTenant({ default_roles: ["user", "admin"] });
    const user = await signIn(tenant);
    expect(decodeJwtPart(user.token, 1).roles).toEqual(["user", "admin"]);
    const patched = await adminFetch(`/api/admin/users/${user.user_id}`, jsonRequest("PATCH", { roles: ["user"] }));
    expect(patched.status).toBe(200);
    await expectError(await issuerFetch("/api/auth/me", withBearer(user.token)), 401, "invalid_token");
    expect(await (await introspect(tenant.secret_key, user.token)).json()).toEqual({ active: false });
    // The gate learns it through the revocation list: tokens issued before the mark are refused.
    const mark = Number(await redis.zscore(userKey(user.user_id), USER_MARK_MEMBER));
    expect(mark).toBeGreaterThan(decodeJwtPart(user.token, 1).iat as number);
    const refreshed = await refresh(tenant.api_key, user.refresh_token);
    expect(refreshed.status).toBe(200);
    const next = await refreshed.json<{ token: string }>();
    expect(decodeJwtPart(next.token, 1).roles).toEqual(["user"]);
    expect((await issuerFetch("/api/auth/me", withBearer(next.token))).status).toBe(200);
  });

  it("granting a role revokes nothing: the user's tokens keep working", async () => {
    const tenant = await createTenant();
    const user = await signIn(tenant);
    expect((await adminFetch(`/api/admin/users/${user.user_id}`, jsonRequest("PATCH", { roles: ["user", "admin"] }))).status).toBe(200);
    expect((await issuerFetch("/api/auth/me", withBearer(user.token))).status).toBe(200);
    expect(await redis.zscore(userKey(user.user_id), USER_MARK_MEMBER)).toBeNull();
  });

  it("disabling a user revokes every session and blocks sign-in with 403 user_disabled", async () => {
    const tenant = await createTenant();
    const user = await signIn(tenant);
    expect((await adminFetch(`/api/admin/users/${user.user_id}`, jsonRequest("PATCH", { disabled: true }))).status).toBe(200);
    await expectError(await issuerFetch("/api/auth/me", withBearer(user.token)), 401, "invalid_token");
    await expectError(await refresh(tenant.api_key, user.refresh_token), 401, "invalid_grant");
    await requestCode(tenant.api_key, user.phone);
    await expectError(await verifyCode(tenant.api_key, user.phone, await latestCode(user.phone)), 403, "user_disabled");
  });

  it("a disabled user's refused sign-in opens no session", async () => {
    const tenant = await createTenant();
    const user = await signIn(tenant);
    expect((await adminFetch(`/api/admin/users/${user.user_id}`, jsonRequest("PATCH", { disabled: true }))).status).toBe(200);
    await requestCode(tenant.api_key, user.phone);
    await expectError(await verifyCode(tenant.api_key, user.phone, await latestCode(user.phone)), 403, "user_disabled");
    expect((await adminFetch(`/api/admin/users/${user.user_id}`, jsonRequest("PATCH", { disabled: false }))).status).toBe(200);
    // Disabling revoked the first session; a session opened by the refused sign-in would still be live.
    const response = await adminFetch(`/api/admin/users/${user.user_id}/revoke-sessions`, { method: "POST" });
    expect(await response.json()).toEqual({ revoked: 0 });
  });

  it("revoke-sessions ends every session and says how many", async () => {
    const tenant = await createTenant();
    const first = await signIn(tenant);
    await signIn(tenant, first.phone);
    const response = await adminFetch(`/api/admin/users/${first.user_id}/revoke-sessions`, { method: "POST" });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ revoked: 2 });
    await expectError(await issuerFetch("/api/auth/me", withBearer(first.token)), 401, "invalid_token");
  });

  it("deleting a user erases the phone, revokes sessions, and keeps pseudonymous audit rows", async () => {
    const tenant = await createTenant();
    const user = await signIn(tenant);
    expect((await adminFetch(`/api/admin/users/${user.user_id}`, { method: "DELETE" })).status).toBe(204);
    await expectError(await adminFetch(`/api/admin/users/${user.user_id}`), 404, "not_found");
    await expectError(await issuerFetch("/api/auth/me", withBearer(user.token)), 401, "invalid_token");
    const audit = (await (await adminFetch(`/api/admin/audit?user_id=${user.user_id}`)).json<{ events: { type: string }[] }>());
    expect(audit.events.map((event) => event.type)).toContain("user.deleted");
    expect(JSON.stringify(audit)).not.toContain(user.phone.slice(1));
    // The phone can start over as a brand-new account.
    const again = await signIn(tenant, user.phone);
    expect(again.user_id).not.toBe(user.user_id);
    expect(again.is_new_user).toBe(true);
  });

  it("answers 404 for an unknown user and refuses unknown patch fields", async () => {
    const tenant = await createTenant();
    const user = await signIn(tenant);
    await expectError(await adminFetch("/api/admin/users/usr_00000000000000000000000000"), 404, "not_found");
    await expectError(await adminFetch(`/api/admin/users/${user.user_id}`, jsonRequest("PATCH", { phone: "+14155550123" })), 400, "invalid_request");
  });
});

describe("audit", () => {
  it("records the sign-in story with ip, user agent and country, and never a code or token", async () => {
    const tenant = await createTenant();
    const phone = freshPhone();
    const headers = { "x-api-key": tenant.api_key, "CF-Connecting-IP": "203.0.113.9", "User-Agent": "audit-test/1.0" };
    await issuerFetch("/api/auth/request", jsonRequest("POST", { phone }, headers));
    const code = await latestCode(phone);
    await issuerFetch("/api/auth/verify", jsonRequest("POST", { phone, code: code === "000000" ? "111111" : "000000" }, headers));
    const verified = (await (await issuerFetch("/api/auth/verify", jsonRequest("POST", { phone, code }, headers))).json<{ token: string; refresh_token: string }>());

    const response = await adminFetch(`/api/admin/audit?tenant_id=${tenant.tenant_id}&limit=100`);
    expect(response.status).toBe(200);
    const text = await response.text();
    const { events } = JSON.parse(text) as { events: { type: string; outcome: string; ip: string | null; user_agent: string | null; created_at: string }[] };
    const types = events.map((event) => event.type);
    for (const expected of ["tenant.created", "auth.code_requested", "auth.code_sent", "auth.verify_failed", "auth.signed_in"]) expect(types).toContain(expected);
    const signedIn = events.find((event) => event.type === "auth.signed_in");
    expect(signedIn).toMatchObject({ outcome: "success", ip: "203.0.113.9", user_agent: "audit-test/1.0" });
    expect(text).not.toContain(code);
    expect(text).not.toContain(verified.token);
    expect(text).not.toContain(verified.refresh_token);
    expect(text).not.toContain(tenant.api_key);
    expect(text).not.toContain(phone.slice(1));
  });

  it("filters by type and pages with a cursor", async () => {
    const tenant = await createTenant();
    for (let index = 0; index < 3; index += 1) await signIn(tenant);
    const first = (await (await adminFetch(`/api/admin/audit?tenant_id=${tenant.tenant_id}&type=auth.signed_in&limit=2`)).json<{ events: { id: string; type: string }[]; next_cursor: string | null }>());
    expect(first.events).toHaveLength(2);
    expect(first.events.every((event) => event.type === "auth.signed_in")).toBe(true);
    expect(first.next_cursor).not.toBeNull();
    const second = (await (await adminFetch(`/api/admin/audit?tenant_id=${tenant.tenant_id}&type=auth.signed_in&limit=2&cursor=${encodeURIComponent(first.next_cursor ?? "")}`)).json<{ events: { id: string }[] }>());
    expect(second.events).toHaveLength(1);
    expect(second.events[0]?.id).not.toBe(first.events[0]?.id);
  });

  it("refuses an unknown event type", async () => {
    await expectError(await adminFetch("/api/admin/audit?type=auth.teleported"), 400, "invalid_request");
  });
});

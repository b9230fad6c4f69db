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

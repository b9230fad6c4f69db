import { describe, expect, it } from "vitest";
import {
  adminFetch,
  createTenant,
  decodeJwtPart,
  expectError,
  freshIp,
  freshPhone,
  inbox,
  issuerFetch,
  jsonRequest,
  refresh,
  requestCode,
  signIn,
  verifyCode,
  withBearer,
  type TenantCredentials,
} from "./support/issuer-client";
import { snapshotState } from "./support/state-snapshot";

function setSignInMethods(tenant: TenantCredentials, methods: string[]): Promise<Response> {
  return adminFetch(`/api/admin/tenants/${tenant.tenant_id}`, jsonRequest("PATCH", { settings: { sign_in_methods: methods } }));
}

describe("sign_in_methods on the phone routes", () => {
  it("refuses a code request with 403 sign_in_method_disabled when phone_otp is off: nothing sent, nothing written", async () => {
    const tenant = await createTenant({ sign_in_methods: ["password", "email_otp"] });
    const phone = freshPhone();
    const ip = freshIp();
    const watched = { sessionIds: [], userIds: [], countedClientIps: [ip] };
    const before = await snapshotState(watched);
    await expectError(await requestCode(tenant.api_key, phone, ip), 403, "sign_in_method_disabled");
    expect(await snapshotState(watched)).toEqual(before);
    expect(await inbox(phone)).toEqual([]);
  });

  it("refuses a verify with 403 sign_in_method_disabled before reading the body or spending a code", async () => {
    const tenant = await createTenant({ sign_in_methods: ["password"] });
    const ip = freshIp();
    const watched = { sessionIds: [], userIds: [], countedClientIps: [ip] };
    const before = await snapshotState(watched);
    const headers = { "x-api-key": tenant.api_key, "CF-Connecting-IP": ip };
    await expectError(await issuerFetch("/api/auth/verify", jsonRequest("POST", { phone: freshPhone(), code: "123456" }, headers)), 403, "sign_in_method_disabled");
    await expectError(await issuerFetch("/api/auth/verify", { method: "POST", headers: { ...headers, "Content-Type": "application/json" }, body: "{not json" }), 403, "sign_in_method_disabled");
    await expectError(await issuerFetch("/api/auth/request", { method: "POST", headers: { ...headers, "Content-Type": "text/plain" }, body: "x" }), 403, "sign_in_method_disabled");
    expect(await snapshotState(watched)).toEqual(before);
  });

  it("a code sent while phone_otp was on cannot be used once it is turned off", async () => {
    const tenant = await createTenant();
    const phone = freshPhone();
    expect((await requestCode(tenant.api_key, phone)).status).toBe(202);
    const [message] = await inbox(phone);
    const code = /code is: (\d+)\./.exec(message?.body ?? "")?.[1] ?? "";
    expect((await setSignInMethods(tenant, ["password"])).status).toBe(200);
    await expectError(await verifyCode(tenant.api_key, phone, code), 403, "sign_in_method_disabled");
  });

  it("turning phone_otp off signs nobody out: existing sessions keep refreshing and reading their profile", async () => {
    const tenant = await createTenant();
    const user = await signIn(tenant);
    expect((await setSignInMethods(tenant, ["password"])).status).toBe(200);
    await expectError(await requestCode(tenant.api_key, user.phone), 403, "sign_in_method_disabled");
    const refreshed = await refresh(tenant.api_key, user.refresh_token);
    expect(refreshed.status).toBe(200);
    const next = await refreshed.json<{ token: string }>();
    expect(decodeJwtPart(next.token, 1).sub).toBe(user.user_id);
    expect((await issuerFetch("/api/auth/me", withBearer(next.token))).status).toBe(200);
  });

  it("turning phone_otp back on lets the same phone sign in to the same user", async () => {
    const tenant = await createTenant();
    const user = await signIn(tenant);
    expect((await setSignInMethods(tenant, ["password"])).status).toBe(200);
    await expectError(await requestCode(tenant.api_key, user.phone), 403, "sign_in_method_disabled");
    expect((await setSignInMethods(tenant, ["password", "phone_otp"])).status).toBe(200);
    const again = await signIn(tenant, user.phone);
    expect(again).toMatchObject({ user_id: user.user_id, is_new_user: false });
  });
});

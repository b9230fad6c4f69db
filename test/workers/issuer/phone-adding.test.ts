import { describe, expect, it } from "vitest";
import { neonUserRepository } from "../../../shared/adapters/neon/user-repository";
import { emailOnlyUser, insertUser, testDb, userRow } from "./support/account-rows";
import {
  adminFetch,
  createTenant,
  expectError,
  freshIp,
  freshPhone,
  issuerFetch,
  jsonRequest,
  latestCode,
  requestCode,
  signIn,
  verifyCode,
} from "./support/issuer-client";

/** `POST /api/auth/verify` with the publishable key and a user's access token. */
function verifyForAccount(apiKey: string, token: string, phone: string, code: string): Promise<Response> {
  return issuerFetch("/api/auth/verify", jsonRequest("POST", { phone, code }, { "x-api-key": apiKey, Authorization: `Bearer ${token}`, "CF-Connecting-IP": freshIp() }));
}

async function sendCode(apiKey: string, phone: string): Promise<string> {
  expect((await requestCode(apiKey, phone)).status).toBe(202);
  return latestCode(phone);
}

function wrongCode(code: string): string {
  return code === "000000" ? "111111" : "000000";
}

describe("adding a phone to a signed-in user (POST /api/auth/verify with a Bearer token)", () => {
  it("attaches the verified phone to an email user and answers the profile; the phone then signs in to that same user", async () => {
    const tenant = await createTenant();
    const user = await emailOnlyUser(tenant);
    const phone = freshPhone();
    const response = await verifyForAccount(tenant.api_key, user.token, phone, await sendCode(tenant.api_key, phone));
    expect(response.status, await response.clone().text()).toBe(200);
    const body = await response.json<Record<string, unknown>>();
    expect(body).toMatchObject({ user_id: user.user_id, tenant_id: tenant.tenant_id, phone, email: user.email, email_verified: true, identities: [] });
    expect(body).not.toHaveProperty("token");
    expect((await userRow(user.user_id)).phone).toBe(phone);
    const signedIn = await signIn(tenant, phone);
    expect(signedIn).toMatchObject({ user_id: user.user_id, is_new_user: false });
  });

  it("records auth.phone_added without the number", async () => {
    const tenant = await createTenant();
    const user = await emailOnlyUser(tenant);
    const phone = freshPhone();
    expect((await verifyForAccount(tenant.api_key, user.token, phone, await sendCode(tenant.api_key, phone))).status).toBe(200);
    const text = await (await adminFetch(`/api/admin/audit?user_id=${user.user_id}&type=auth.phone_added`)).text();
    expect(JSON.parse(text)).toMatchObject({ events: [{ outcome: "success", details: { phone_country: "US", replaced: false } }] });
    expect(text).not.toContain(phone.slice(2));
  });

  it("replaces the user's old phone: the old number no longer reaches the account", async () => {
    const tenant = await createTenant();
    const user = await signIn(tenant);
    const newPhone = freshPhone();
    const response = await verifyForAccount(tenant.api_key, user.token, newPhone, await sendCode(tenant.api_key, newPhone));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ user_id: user.user_id, phone: newPhone });
    const oldNumber = await signIn(tenant, user.phone);
    expect(oldNumber.user_id).not.toBe(user.user_id);
    expect(oldNumber.is_new_user).toBe(true);
  });

  it("refuses a phone another live user of the tenant has with 409 phone_taken, and the code is spent", async () => {
    const tenant = await createTenant();
    const owner = await signIn(tenant);
    const grabber = await emailOnlyUser(tenant);
    const code = await sendCode(tenant.api_key, owner.phone);
    await expectError(await verifyForAccount(tenant.api_key, grabber.token, owner.phone, code), 409, "phone_taken");
    expect((await userRow(grabber.user_id)).phone).toBeNull();
    expect((await userRow(owner.user_id)).phone).toBe(owner.phone);
    await expectError(await verifyCode(tenant.api_key, owner.phone, code), 401, "code_expired");
    const audit = await (await adminFetch(`/api/admin/audit?user_id=${grabber.user_id}&type=auth.phone_added`)).json<{ events: { outcome: string; details: Record<string, unknown> }[] }>();
    expect(audit.events).toEqual([expect.objectContaining({ outcome: "failure", details: expect.objectContaining({ reason: "phone_taken" }) })]);
  });

  it("answers the user's own phone again with 200 and no change", async () => {
    const tenant = await createTenant();
    const user = await signIn(tenant);
    const response = await verifyForAccount(tenant.api_key, user.token, user.phone, await sendCode(tenant.api_key, user.phone));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ user_id: user.user_id, phone: user.phone });
  });

  it("refuses a token of another tenant with 401 invalid_token before the code is touched", async () => {
    const tenant = await createTenant();
    const other = await createTenant();
    const foreign = await emailOnlyUser(other);
    const phone = freshPhone();
    const code = await sendCode(tenant.api_key, phone);
    const response = await verifyForAccount(tenant.api_key, foreign.token, phone, code);
    await expectError(response, 401, "invalid_token");
    expect(response.headers.get("WWW-Authenticate")).toMatch(/^Bearer /);
    expect((await userRow(foreign.user_id)).phone).toBeNull();
    // The code is still live: the phone's holder signs in with it.
    const signedIn = await verifyCode(tenant.api_key, phone, code);
    expect(signedIn.status).toBe(200);
  });

  it("refuses a garbage or revoked token with 401 invalid_token instead of signing in", async () => {
    const tenant = await createTenant();
    const user = await emailOnlyUser(tenant);
    const phone = freshPhone();
    const code = await sendCode(tenant.api_key, phone);
    await expectError(await verifyForAccount(tenant.api_key, "not.a.jwt", phone, code), 401, "invalid_token");
    expect((await issuerFetch("/api/auth/logout", { method: "POST", headers: { Authorization: `Bearer ${user.token}`, "CF-Connecting-IP": freshIp() } })).status).toBe(204);
    await expectError(await verifyForAccount(tenant.api_key, user.token, phone, code), 401, "invalid_token");
    expect((await userRow(user.user_id)).phone).toBeNull();
  });

  it("answers a wrong code with 401 invalid_code and attaches nothing", async () => {
    const tenant = await createTenant();
    const user = await emailOnlyUser(tenant);
    const phone = freshPhone();
    const code = await sendCode(tenant.api_key, phone);
    const body = await expectError(await verifyForAccount(tenant.api_key, user.token, phone, wrongCode(code)), 401, "invalid_code");
    expect(body.error.attempts_remaining).toBe(4);
    expect((await userRow(user.user_id)).phone).toBeNull();
  });

  it("two users racing to add one phone with its one code: exactly one gets it", async () => {
    const tenant = await createTenant();
    const first = await emailOnlyUser(tenant);
    const second = await emailOnlyUser(tenant);
    const phone = freshPhone();
    const code = await sendCode(tenant.api_key, phone);
    const responses = await Promise.all([verifyForAccount(tenant.api_key, first.token, phone, code), verifyForAccount(tenant.api_key, second.token, phone, code)]);
    expect(responses.map((response) => response.status).sort()).toEqual([200, 401]);
    const owners = [(await userRow(first.user_id)).phone, (await userRow(second.user_id)).phone];
    expect(owners.filter((owner) => owner === phone)).toHaveLength(1);
  });

  it("two users attaching one phone at once in Postgres: the live-phone unique index lets exactly one win", async () => {
    const tenant = await createTenant();
    const users = neonUserRepository(testDb);
    const phone = freshPhone();
    const [a, b] = await Promise.all([insertUser(tenant.tenant_id, {}), insertUser(tenant.tenant_id, {})]);
    const outcomes = await Promise.all([users.attachPhone(a, phone), users.attachPhone(b, phone)]);
    expect(outcomes.map((outcome) => outcome.kind).sort()).toEqual(["attached", "taken"]);
    const holders = [(await userRow(a)).phone, (await userRow(b)).phone].filter((held) => held === phone);
    expect(holders).toHaveLength(1);
  });

  it("refuses with 403 sign_in_method_disabled when the tenant has no phone codes", async () => {
    const tenant = await createTenant({ sign_in_methods: ["password"] });
    const user = await emailOnlyUser(await createTenant());
    await expectError(await verifyForAccount(tenant.api_key, user.token, freshPhone(), "123456"), 403, "sign_in_method_disabled");
  });
});

import { describe, expect, it } from "vitest";
import { codeIn, linkTokenIn, newestEmail, useEmailedLink, signInByEmail, verifyEmailCode, verifyEmailToken } from "./support/email-client";
import { emailInbox, freshEmail, setEmailFault } from "./support/email-sandbox";
import { createTenant, expectError, issuerFetch, jsonRequest, signIn, withBearer } from "./support/issuer-client";

function patchMe(token: string, body: unknown): Promise<Response> {
  return issuerFetch("/api/auth/me", withBearer(token, jsonRequest("PATCH", body)));
}

async function me(token: string): Promise<Record<string, unknown>> {
  const response = await issuerFetch("/api/auth/me", withBearer(token));
  expect(response.status).toBe(200);
  return await response.json<Record<string, unknown>>();
}

describe("PATCH /api/auth/me {email}", () => {
  it("changes the address only once the new one is proved by its code; the old one stays until then", async () => {
    const tenant = await createTenant({ email_branding: "Acme" });
    const [oldAddress, newAddress] = [freshEmail(), freshEmail()];
    const user = await signInByEmail(tenant, oldAddress);
    const patched = await patchMe(user.token, { email: newAddress });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ user_id: user.user_id, email: oldAddress, pending_email: newAddress });
    expect(await me(user.token)).toMatchObject({ email: oldAddress });

    const mail = await newestEmail(newAddress);
    expect(mail.subject).toBe("Confirm your email address for Acme");
    const verified = await verifyEmailCode(tenant.api_key, newAddress, codeIn(mail));
    expect(verified.status).toBe(200);
    expect(await verified.json()).toMatchObject({ user_id: user.user_id, is_new_user: false });
    expect(await me(user.token)).toMatchObject({ email: newAddress });
    // The old address no longer reaches the account: signing in with it makes a new user.
    expect((await signInByEmail(tenant, oldAddress)).user_id).not.toBe(user.user_id);
  });

  it("completes the change with the link through the API", async () => {
    const tenant = await createTenant();
    const user = await signInByEmail(tenant, freshEmail());
    const newAddress = freshEmail();
    expect((await patchMe(user.token, { email: newAddress })).status).toBe(200);
    const verified = await verifyEmailToken(tenant.api_key, linkTokenIn(await newestEmail(newAddress)));
    expect(verified.status).toBe(200);
    expect(await me(user.token)).toMatchObject({ email: newAddress });
  });

  it("completes the change with the link page, which says so", async () => {
    const tenant = await createTenant();
    const user = await signInByEmail(tenant, freshEmail());
    const newAddress = freshEmail();
    expect((await patchMe(user.token, { email: newAddress })).status).toBe(200);
    const page = await useEmailedLink(linkTokenIn(await newestEmail(newAddress)));
    expect(page.response.status).toBe(200);
    expect(page.html).toContain("Your email address is confirmed");
    expect(await me(user.token)).toMatchObject({ email: newAddress });
  });

  it("refuses an address another live user holds with 409 email_taken and sends nothing", async () => {
    const tenant = await createTenant();
    const taken = freshEmail();
    await signInByEmail(tenant, taken);
    const user = await signInByEmail(tenant, freshEmail());
    const before = (await emailInbox(taken)).length;
    await expectError(await patchMe(user.token, { email: taken.toUpperCase() }), 409, "email_taken");
    expect(await emailInbox(taken)).toHaveLength(before);
  });

  it("answers 409 email_taken when another user took the address before the change was proved", async () => {
    const tenant = await createTenant();
    const user = await signInByEmail(tenant, freshEmail());
    const contested = freshEmail();
    expect((await patchMe(user.token, { email: contested })).status).toBe(200);
    const changeLink = linkTokenIn(await newestEmail(contested));
    const rival = await signInByEmail(tenant, contested);
    expect(rival.user_id).not.toBe(user.user_id);
    await expectError(await verifyEmailToken(tenant.api_key, changeLink), 409, "email_taken");
    expect((await me(user.token)).email).not.toBe(contested);
  });

  it.each([
    ["not an address", "not an address"],
    ["a header injection", "a@example.org\nBcc: b@example.org"],
  ])("refuses %s with 400 invalid_email and changes nothing", async (_label, email) => {
    const tenant = await createTenant();
    const address = freshEmail();
    const user = await signInByEmail(tenant, address);
    await expectError(await patchMe(user.token, { email, metadata: { plan: "pro" } }), 400, "invalid_email");
    expect(await me(user.token)).toMatchObject({ email: address, metadata: {} });
  });

  it("sends nothing for the address the user already has, verified", async () => {
    const tenant = await createTenant();
    const address = freshEmail();
    const user = await signInByEmail(tenant, address);
    const before = (await emailInbox(address)).length;
    const patched = await patchMe(user.token, { email: address });
    expect(patched.status).toBe(200);
    expect(await patched.json()).not.toHaveProperty("pending_email");
    expect(await emailInbox(address)).toHaveLength(before);
  });

  it("refuses to remove the only way in (an address without a phone) with 400 invalid_request", async () => {
    const tenant = await createTenant();
    const address = freshEmail();
    const user = await signInByEmail(tenant, address);
    const body = await expectError(await patchMe(user.token, { email: null }), 400, "invalid_request");
    expect(body.error.field).toBe("email");
    expect(await me(user.token)).toMatchObject({ email: address });
  });

  it("a phone user adds an address proved by code, and may remove it again, which forgets that it was verified", async () => {
    const tenant = await createTenant();
    const user = await signIn(tenant);
    const address = freshEmail();
    expect((await patchMe(user.token, { email: address })).status).toBe(200);
    expect(await me(user.token)).toMatchObject({ email: null });
    expect((await verifyEmailCode(tenant.api_key, address, codeIn(await newestEmail(address)))).status).toBe(200);
    expect(await me(user.token)).toMatchObject({ phone: user.phone, email: address, email_verified: true });
    const removed = await patchMe(user.token, { email: null });
    expect(removed.status).toBe(200);
    expect(await removed.json()).toMatchObject({ email: null, email_verified: false });
  });

  it("answers 502 email_unavailable when the verification cannot be sent, changing nothing", async () => {
    const tenant = await createTenant();
    const address = freshEmail();
    const user = await signInByEmail(tenant, address);
    const target = freshEmail();
    for (const provider of ["resend", "postmark", "ses"] as const) await setEmailFault(provider, "error_5xx", [target]);
    await expectError(await patchMe(user.token, { email: target, metadata: { plan: "pro" } }), 502, "email_unavailable");
    expect(await me(user.token)).toMatchObject({ email: address, metadata: {} });
  });
});

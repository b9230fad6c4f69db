import { describe, expect, it } from "vitest";
import { addEmailToken, countRows, emailOnlyUser, insertUser, linkIdentity, setAccount, userRow } from "./support/account-rows";
import { adminFetch, createTenant, expectError, issuerFetch, signIn, withBearer } from "./support/issuer-client";

/** A PHC string of the shape the password routes store; only whether one is set may show. */
const PASSWORD_HASH = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$7Y1n0GmbGjNxgzuO/VvG+5bDYK8gC9Ayl2l1rTEh4Bs";

function me(token: string): Promise<Response> {
  return issuerFetch("/api/auth/me", withBearer(token));
}

describe("GET /api/auth/me: the account fields", () => {
  it("shows the verified address, whether a password is set, no factors yet, and the linked identities oldest first", async () => {
    const tenant = await createTenant();
    const user = await emailOnlyUser(tenant, "Ada.Lovelace@Example.com");
    await setAccount(user.user_id, { email: "Ada.Lovelace@Example.com", emailVerified: true, passwordHash: PASSWORD_HASH });
    await linkIdentity(tenant.tenant_id, user.user_id, { provider: "github", email: null, linkedAt: new Date("2026-11-02T10:00:00.000Z") });
    await linkIdentity(tenant.tenant_id, user.user_id, { provider: "google", email: "ada@gmail.example", linkedAt: new Date("2026-11-01T10:00:00.000Z") });
    const response = await me(user.token);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({
      user_id: user.user_id,
      tenant_id: tenant.tenant_id,
      phone: null,
      email: "Ada.Lovelace@Example.com",
      email_verified: true,
      has_password: true,
      roles: ["user"],
      metadata: {},
      created_at: expect.stringMatching(/Z$/),
      mfa: { totp: false, passkeys: 0, recovery_codes_remaining: 0 },
      identities: [
        { provider: "google", email: "ada@gmail.example", linked_at: "2026-11-01T10:00:00.000Z" },
        { provider: "github", email: null, linked_at: "2026-11-02T10:00:00.000Z" },
      ],
    });
    expect(text).not.toContain("argon2");
  });

  it("never shows another user's identities", async () => {
    const tenant = await createTenant();
    const mine = await signIn(tenant);
    const theirs = await signIn(tenant);
    await linkIdentity(tenant.tenant_id, theirs.user_id, { provider: "google", email: "them@example.com" });
    expect(await (await me(mine.token)).json()).toMatchObject({ identities: [], email_verified: false, has_password: false });
  });
});

describe("the admin user view", () => {
  it("shows email_verified and has_password, never the hash", async () => {
    const tenant = await createTenant();
    const user = await signIn(tenant);
    await setAccount(user.user_id, { email: "grace@example.com", emailVerified: false, passwordHash: PASSWORD_HASH });
    const one = await adminFetch(`/api/admin/users/${user.user_id}`);
    const oneText = await one.text();
    expect(JSON.parse(oneText)).toMatchObject({ email: "grace@example.com", email_verified: false, has_password: true });
    expect(oneText).not.toContain("argon2");
    expect(oneText).not.toContain("password_hash");
    const listText = await (await adminFetch(`/api/admin/users?tenant_id=${tenant.tenant_id}`)).text();
    expect(JSON.parse(listText)).toMatchObject({ users: [{ user_id: user.user_id, email_verified: false, has_password: true }] });
    expect(listText).not.toContain("argon2");
  });
});

describe("DELETE /api/admin/users/{id}: erasing an account", () => {
  it("erases the address, its verification and the password hash, the linked identities and the emailed link tokens", async () => {
    const tenant = await createTenant();
    const other = await createTenant();
    const user = await emailOnlyUser(tenant, "Erase.Me@example.com");
    await setAccount(user.user_id, { email: "Erase.Me@example.com", emailVerified: true, passwordHash: PASSWORD_HASH });
    await linkIdentity(tenant.tenant_id, user.user_id, { provider: "google", email: "erase.me@gmail.example" });
    const own = await addEmailToken(tenant.tenant_id, user.user_id, "Erase.Me@example.com");
    // A sign-in link sent to the address before it had an account, in another case.
    const unattached = await addEmailToken(tenant.tenant_id, null, "erase.me@EXAMPLE.com");
    // Left alone: another address in the tenant, and the same address in another tenant.
    const unrelated = await addEmailToken(tenant.tenant_id, null, "someone.else@example.com");
    const elsewhere = await addEmailToken(other.tenant_id, null, "erase.me@example.com");

    expect((await adminFetch(`/api/admin/users/${user.user_id}`, { method: "DELETE" })).status).toBe(204);
    const row = await userRow(user.user_id);
    expect(row).toMatchObject({ email: null, emailVerified: false, passwordHash: null, phone: null, metadata: {}, roles: [] });
    expect(row.deletedAt).not.toBeNull();
    expect(await countRows("identities", { userId: user.user_id })).toBe(0);
    expect(await countRows("email_tokens", { userId: user.user_id })).toBe(0);
    expect(await countRows("email_tokens", { tokenHashes: [own, unattached] })).toBe(0);
    expect(await countRows("email_tokens", { tokenHashes: [unrelated, elsewhere] })).toBe(2);
    await expectError(await me(user.token), 401, "invalid_token");
  });

  it("frees the address: a new user of the tenant can take it (in any case) once the old one is erased", async () => {
    const tenant = await createTenant();
    const user = await emailOnlyUser(tenant, "reuse@example.com");
    // The control: while the user is live, the address is taken, whatever its case.
    await expect(insertUser(tenant.tenant_id, { email: "REUSE@example.com" })).rejects.toThrow();
    expect((await adminFetch(`/api/admin/users/${user.user_id}`, { method: "DELETE" })).status).toBe(204);
    const newcomer = await insertUser(tenant.tenant_id, { email: "Reuse@Example.com" });
    expect((await userRow(newcomer)).email).toBe("Reuse@Example.com");
  });

  it("keeps the audit trail pseudonymous: no address in the events of the erased user", async () => {
    const tenant = await createTenant();
    const user = await emailOnlyUser(tenant, "trail@example.com");
    expect((await adminFetch(`/api/admin/users/${user.user_id}`, { method: "DELETE" })).status).toBe(204);
    const text = await (await adminFetch(`/api/admin/audit?user_id=${user.user_id}`)).text();
    expect(text).toContain("user.deleted");
    expect(text).not.toContain("trail@");
  });
});

/**
 * The SDK's app client against the real local stack (both workers under wrangler dev): every
 * answer here is the issuer's or the gate's own. The only thing wrapped is `fetch`, to give each
 * client its own address (so per-address limits of one test never touch another) and to count
 * what went over the wire.
 */
import { describe, expect, it } from "vitest";
import { currentTotpCode } from "../../dev/totp-code";
import { createPortcullisClient, PortcullisError, type PortcullisClient } from "../../sdk/src/index";
import { createAdminClient } from "../../sdk/src/server/index";
import { freshIp, freshPhone } from "../support/test-identities";
import { e2eStack } from "./support/e2e-context";
import { nextEmailCode, nextSmsCode } from "./support/inboxes";
import { freshEmail } from "./support/users";

interface CountingClient {
  readonly client: PortcullisClient;
  /** The paths requested, in order. */
  readonly requests: string[];
}

function admin() {
  const { issuerUrl, adminToken } = e2eStack();
  return createAdminClient({ issuerUrl, adminToken });
}

async function newTenant(settings: Record<string, unknown> = {}) {
  const slug = `sdk-${crypto.randomUUID().slice(0, 8)}`;
  return admin().tenants.create({ name: slug, slug, settings });
}

function appClient(publishableKey: string, options: { refreshLeewaySeconds?: number } = {}): CountingClient {
  const ip = freshIp();
  const requests: string[] = [];
  const client = createPortcullisClient({
    issuerUrl: e2eStack().issuerUrl,
    publishableKey,
    ...options,
    fetch: (input, init) => {
      const request = new Request(input, init);
      request.headers.set("CF-Connecting-IP", ip);
      requests.push(new URL(request.url).pathname);
      return fetch(request);
    },
  });
  return { client, requests };
}

async function signedInByPhone(publishableKey: string, options: { refreshLeewaySeconds?: number } = {}) {
  const counting = appClient(publishableKey, options);
  const phone = freshPhone();
  await counting.client.requestPhoneCode(phone);
  const result = await counting.client.verifyPhoneCode(phone, await nextSmsCode(phone));
  expect(result).toMatchObject({ status: "signed_in", isNewUser: true });
  return { ...counting, phone };
}

/** The gate's answer for the demo origin, with the given access token. */
async function throughGate(token: string): Promise<Response> {
  return fetch(`${e2eStack().gateUrl}/sdk/profile`, { headers: { Authorization: `Bearer ${token}` } });
}

describe("SDK app client: signing in", () => {
  it("signs in with a phone code and reads the user it signed in", async () => {
    const tenant = await newTenant();
    const { client, phone } = await signedInByPhone(tenant.api_key);
    const user = await client.getUser();
    expect(user).toMatchObject({ tenant_id: tenant.tenant_id, phone });
    expect((await client.getSession())?.userId).toBe(user.user_id);
  });

  it("answers a wrong code with a PortcullisError carrying the contract's code and attempts_remaining", async () => {
    const tenant = await newTenant();
    const { client } = appClient(tenant.api_key);
    const phone = freshPhone();
    await client.requestPhoneCode(phone);
    const code = await nextSmsCode(phone);
    const wrong = code === "000000" ? "111111" : "000000";
    const error = await client.verifyPhoneCode(phone, wrong).then(() => null, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(PortcullisError);
    expect(error).toMatchObject({ status: 401, code: "invalid_code", details: { attempts_remaining: 4 } });
    expect(await client.getSession()).toBeNull();
  });

  it("signs up and signs in with a password, and refuses a wrong one as invalid_credentials", async () => {
    const tenant = await newTenant({ email_verification_required: false });
    const email = freshEmail("sdk");
    const { client } = appClient(tenant.api_key);
    expect(await client.signUp(email, "tidy otter lantern 42")).toMatchObject({ status: "signed_in", isNewUser: true });
    await client.signOut();
    expect(await client.signInWithPassword(email, "tidy otter lantern 42")).toMatchObject({ status: "signed_in", isNewUser: false });
    await expect(client.signInWithPassword(email, "not the password at all")).rejects.toMatchObject({ code: "invalid_credentials", status: 401 });
  });

  it("answers verification_sent for a sign-up when the tenant verifies addresses, then signs in by the emailed code", async () => {
    const tenant = await newTenant();
    const email = freshEmail("sdk");
    const { client } = appClient(tenant.api_key);
    expect(await client.signUp(email, "tidy otter lantern 42")).toEqual({ status: "verification_sent" });
    expect(await client.verifyEmailCode(email, await nextEmailCode(email))).toMatchObject({ status: "signed_in" });
    expect((await client.getUser()).email_verified).toBe(true);
  });

  it("completes a password sign-in that owes a second factor with a recovery code", async () => {
    const tenant = await newTenant({ email_verification_required: false });
    const email = freshEmail("sdk");
    const { client } = appClient(tenant.api_key);
    await client.signUp(email, "tidy otter lantern 42");
    const start = await client.fetch(`${e2eStack().issuerUrl}/api/auth/mfa/totp`, { method: "POST" });
    const { secret } = (await start.json()) as { secret: string };
    const totp = await currentTotpCode(secret, new Date());
    const confirm = await client.fetch(`${e2eStack().issuerUrl}/api/auth/mfa/totp/confirm`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ code: totp?.code }) });
    const { recovery_codes: recoveryCodes } = (await confirm.json()) as { recovery_codes: string[] };
    await client.signOut();

    const first = await client.signInWithPassword(email, "tidy otter lantern 42");
    if (first.status !== "mfa_required") throw new Error("expected a second step");
    expect(first.methods).toContain("recovery_code");
    expect(await client.getSession()).toBeNull();
    expect(await client.verifySecondFactor({ mfaToken: first.mfaToken, method: "recovery_code", code: recoveryCodes[0] ?? "" })).toMatchObject({ status: "signed_in" });
    expect((await client.getUser()).mfa.totp).toBe(true);
  });
});

describe("SDK app client: tokens", () => {
  it("shares one refresh among concurrent callers, so the refresh token is spent once and nobody is signed out", async () => {
    const tenant = await newTenant();
    // A leeway longer than the token's life: every access token counts as about to expire.
    const { client, requests } = await signedInByPhone(tenant.api_key, { refreshLeewaySeconds: 3600 });
    const before = await client.getSession();
    const tokens = await Promise.all(Array.from({ length: 8 }, () => client.getAccessToken()));
    expect(requests.filter((path) => path === "/api/auth/refresh")).toHaveLength(1);
    expect(new Set(tokens).size).toBe(1);
    const after = await client.getSession();
    expect(after?.refreshToken).not.toBe(before?.refreshToken);
    expect((await throughGate(tokens[0] ?? "")).status).toBe(200);
  });

  it("retries a gated call once after a 401, with a refreshed token", async () => {
    const tenant = await newTenant();
    const storage = { session: null as Awaited<ReturnType<PortcullisClient["getSession"]>> };
    const ip = freshIp();
    const seen: number[] = [];
    const client = createPortcullisClient({
      issuerUrl: e2eStack().issuerUrl,
      publishableKey: tenant.api_key,
      storage: { get: () => storage.session, set: (session) => void (storage.session = session), clear: () => void (storage.session = null) },
      fetch: async (input, init) => {
        const request = new Request(input, init);
        request.headers.set("CF-Connecting-IP", ip);
        const response = await fetch(request);
        if (request.url.startsWith(e2eStack().gateUrl)) seen.push(response.status);
        return response;
      },
    });
    const phone = freshPhone();
    await client.requestPhoneCode(phone);
    await client.verifyPhoneCode(phone, await nextSmsCode(phone));
    // The app's stored access token is no longer good (say, a rotated key), the refresh token still is.
    if (storage.session === null) throw new Error("no session stored");
    storage.session = { ...storage.session, accessToken: `${storage.session.accessToken.slice(0, -4)}AAAA` };
    const response = await client.fetch(`${e2eStack().gateUrl}/sdk/notes`);
    expect(response.status).toBe(200);
    expect(seen).toEqual([401, 200]);
    const echoed = (await response.json()) as { headers: Record<string, string> };
    expect(echoed.headers["x-user-id"]).toBe(storage.session.userId);
  });

  it("signs out: the issuer revokes the session, the gate refuses its token, and the client forgets it", async () => {
    const tenant = await newTenant();
    const { client } = await signedInByPhone(tenant.api_key);
    const token = (await client.getAccessToken()) ?? "";
    expect((await throughGate(token)).status).toBe(200);
    const changes: unknown[] = [];
    client.onSessionChange((session) => changes.push(session));
    await client.signOut();
    expect(changes).toEqual([null]);
    expect(await client.getSession()).toBeNull();
    await expect.poll(async () => (await throughGate(token)).status, { timeout: 10_000 }).toBe(401);
    await expect(client.getUser()).rejects.toMatchObject({ code: "not_signed_in" });
  });

  it("forgets a session whose refresh token was revoked elsewhere, and says invalid_grant", async () => {
    const tenant = await newTenant();
    const { client } = await signedInByPhone(tenant.api_key, { refreshLeewaySeconds: 3600 });
    const session = await client.getSession();
    await admin().users.revokeSessions(session?.userId ?? "");
    await expect(client.getAccessToken()).rejects.toMatchObject({ code: "invalid_grant", status: 401 });
    expect(await client.getSession()).toBeNull();
  });

  it("reports an unreachable issuer as network_error, not as a signed-out user", async () => {
    const client = createPortcullisClient({ issuerUrl: "http://127.0.0.1:9", publishableKey: "pk_unused" });
    await expect(client.requestPhoneCode(freshPhone())).rejects.toMatchObject({ code: "network_error", status: 0 });
  });
});

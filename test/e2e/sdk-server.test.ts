/**
 * The SDK's server side against the real local stack: the typed admin client, introspection, and
 * the JWKS-based verifier for services that are not behind the gate, with the attacks it refuses.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { createPortcullisClient } from "../../sdk/src/index";
import { createAdminClient, createIntrospectionClient, createTokenVerifier, createWebhookVerifier, PortcullisError, type CreatedTenant } from "../../sdk/src/server/index";
import { freshIp, freshPhone } from "../support/test-identities";
import { e2eStack } from "./support/e2e-context";
import { nextSmsCode } from "./support/inboxes";

let tenant: CreatedTenant;

function admin() {
  const { issuerUrl, adminToken } = e2eStack();
  return createAdminClient({ issuerUrl, adminToken });
}

async function signedIn() {
  const ip = freshIp();
  const client = createPortcullisClient({
    issuerUrl: e2eStack().issuerUrl,
    publishableKey: tenant.api_key,
    fetch: (input, init) => {
      const request = new Request(input, init);
      request.headers.set("CF-Connecting-IP", ip);
      return fetch(request);
    },
  });
  const phone = freshPhone();
  await client.requestPhoneCode(phone);
  await client.verifyPhoneCode(phone, await nextSmsCode(phone));
  return { client, token: (await client.getAccessToken()) ?? "" };
}

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const partsOf = (token: string) => {
  const [header = "", payload = "", signature = ""] = token.split(".");
  return { header: JSON.parse(Buffer.from(header, "base64url").toString()) as Record<string, unknown>, payload: JSON.parse(Buffer.from(payload, "base64url").toString()) as Record<string, unknown>, rawHeader: header, rawPayload: payload, signature };
};

beforeAll(async () => {
  const slug = `sdk-srv-${crypto.randomUUID().slice(0, 8)}`;
  tenant = await admin().tenants.create({ name: slug, slug }, crypto.randomUUID());
});

describe("SDK admin client", () => {
  it("manages tenants, keys and users through the typed admin API", async () => {
    const fetched = await admin().tenants.get(tenant.tenant_id);
    expect(fetched).toMatchObject({ tenant_id: tenant.tenant_id, slug: tenant.slug });
    const updated = await admin().tenants.update(tenant.tenant_id, { settings: { otp_length: 6 } });
    expect(updated.settings.otp_length).toBe(6);
    const keys = await admin().tenants.createKeys(tenant.tenant_id);
    expect(keys.api_key).not.toBe(tenant.api_key);
    await admin().tenants.deleteKeys(tenant.tenant_id, keys.key_id);

    const { client } = await signedIn();
    const me = await client.getUser();
    const page = await admin().users.list({ tenantId: tenant.tenant_id, limit: 100 });
    expect(page.users.map((user) => user.user_id)).toContain(me.user_id);
    expect((await admin().users.update(me.user_id, { roles: ["user", "editor"] })).roles).toEqual(["user", "editor"]);
    const audit = await admin().audit.list({ tenantId: tenant.tenant_id, userId: me.user_id, limit: 10 });
    expect(audit.events.length).toBeGreaterThan(0);
  });

  it("throws the contract's error: a taken slug is 409 slug_taken, a wrong admin token 401 unauthorized", async () => {
    await expect(admin().tenants.create({ name: "again", slug: tenant.slug })).rejects.toMatchObject({ status: 409, code: "slug_taken" });
    const stranger = createAdminClient({ issuerUrl: e2eStack().issuerUrl, adminToken: "not-the-admin-token" });
    const error = await stranger.tenants.get(tenant.tenant_id).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PortcullisError);
    expect(error).toMatchObject({ status: 401, code: "unauthorized" });
  });
});

describe("SDK introspection client", () => {
  it("says a live token is active with its claims, and the same token inactive once its session is signed out", async () => {
    const introspection = createIntrospectionClient({ issuerUrl: e2eStack().issuerUrl, secretKey: tenant.secret_key });
    const { client, token } = await signedIn();
    expect(await introspection.introspect(token)).toMatchObject({ active: true, tid: tenant.tenant_id });
    await client.signOut();
    expect(await introspection.introspect(token)).toEqual({ active: false });
  });
});

describe("SDK token verifier (services not behind the gate)", () => {
  const verifier = () => createTokenVerifier({ issuerUrl: e2eStack().issuerUrl, audience: tenant.settings.audience ?? "", tenants: [tenant.tenant_id] });

  it("verifies a real access token against the issuer's published keys and returns its claims", async () => {
    const { client, token } = await signedIn();
    const result = await verifier().verify(token);
    expect(result).toMatchObject({ ok: true, claims: { sub: (await client.getUser()).user_id, tid: tenant.tenant_id, amr: ["sms"] } });
  });

  it("refuses alg none (the unsigned-token attack)", async () => {
    const { token } = await signedIn();
    const { header, rawPayload } = partsOf(token);
    expect(await verifier().verify(`${encode({ ...header, alg: "none" })}.${rawPayload}.`)).toEqual({ ok: false, reason: "malformed" });
    expect(await verifier().verify(`${encode({ ...header, alg: "none" })}.${rawPayload}.AAAA`)).toEqual({ ok: false, reason: "algorithm_not_allowed" });
  });

  it("refuses HS256 signed with the public key as the secret (algorithm confusion)", async () => {
    const { token } = await signedIn();
    const { header, rawPayload } = partsOf(token);
    const jwks = (await (await fetch(`${e2eStack().issuerUrl}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] };
    const publicKey = new TextEncoder().encode(JSON.stringify(jwks.keys.find((key) => key.kid === header.kid)));
    const forgedHeader = encode({ ...header, alg: "HS256" });
    const hmacKey = await crypto.subtle.importKey("raw", publicKey, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    const signature = Buffer.from(await crypto.subtle.sign("HMAC", hmacKey, new TextEncoder().encode(`${forgedHeader}.${rawPayload}`))).toString("base64url");
    expect(await verifier().verify(`${forgedHeader}.${rawPayload}.${signature}`)).toEqual({ ok: false, reason: "algorithm_not_allowed" });
  });

  it("refuses a header that points at the attacker's own key (jwk, jku)", async () => {
    const { token } = await signedIn();
    const { header, rawPayload, signature } = partsOf(token);
    expect(await verifier().verify(`${encode({ ...header, jku: "https://attacker.example/jwks" })}.${rawPayload}.${signature}`)).toEqual({ ok: false, reason: "algorithm_not_allowed" });
    expect(await verifier().verify(`${encode({ ...header, jwk: { kty: "EC" } })}.${rawPayload}.${signature}`)).toEqual({ ok: false, reason: "algorithm_not_allowed" });
  });

  it("refuses a tampered payload (a raised role) whose signature no longer matches", async () => {
    const { token } = await signedIn();
    const { rawHeader, payload, signature } = partsOf(token);
    expect(await verifier().verify(`${rawHeader}.${encode({ ...payload, roles: ["admin"] })}.${signature}`)).toEqual({ ok: false, reason: "bad_signature" });
  });

  it("refuses an id_token or other JWT in place of an access token (typ is not at+jwt)", async () => {
    const { token } = await signedIn();
    const { header, rawPayload, signature } = partsOf(token);
    expect(await verifier().verify(`${encode({ ...header, typ: "JWT" })}.${rawPayload}.${signature}`)).toEqual({ ok: false, reason: "wrong_type" });
  });

  it("refuses an unknown kid, and refetches the key set at most once for a burst of them", async () => {
    const { token } = await signedIn();
    const { header, rawPayload, signature } = partsOf(token);
    let fetches = 0;
    const counting = createTokenVerifier({
      issuerUrl: e2eStack().issuerUrl,
      audience: tenant.settings.audience ?? "",
      fetch: (input, init) => {
        fetches += 1;
        return fetch(input, init);
      },
    });
    expect((await counting.verify(token)).ok).toBe(true);
    const forged = `${encode({ ...header, kid: "key_not_published" })}.${rawPayload}.${signature}`;
    const results = await Promise.all(Array.from({ length: 5 }, () => counting.verify(forged)));
    expect(results.every((result) => !result.ok && result.reason === "unknown_key")).toBe(true);
    expect(fetches).toBe(1);
  });

  it("refuses an expired token, another audience, another issuer and another tenant", async () => {
    const { token } = await signedIn();
    const { payload } = partsOf(token);
    const later = createTokenVerifier({ issuerUrl: e2eStack().issuerUrl, audience: tenant.settings.audience ?? "", now: () => (Number(payload.exp) + 120) * 1000 });
    expect(await later.verify(token)).toEqual({ ok: false, reason: "expired" });
    expect(await createTokenVerifier({ issuerUrl: e2eStack().issuerUrl, audience: "another-api" }).verify(token)).toEqual({ ok: false, reason: "wrong_audience" });
    const otherName = e2eStack().issuerUrl.replace("localhost", "127.0.0.1");
    expect(await createTokenVerifier({ issuerUrl: otherName, audience: tenant.settings.audience ?? "" }).verify(token)).toEqual({ ok: false, reason: "wrong_issuer" });
    expect(await createTokenVerifier({ issuerUrl: e2eStack().issuerUrl, audience: tenant.settings.audience ?? "", tenants: ["tn_someoneelse000000000000000"] }).verify(token)).toEqual({ ok: false, reason: "wrong_tenant" });
  });
});

describe("webhooks through the SDK", () => {
  it("the admin client adds an endpoint, a sign-in is delivered to it, and the verifier accepts the delivery as received", async () => {
    const endpoint = `sdk-${crypto.randomUUID().slice(0, 12)}`;
    const created = await admin().webhooks.create(tenant.tenant_id, { url: `${e2eStack().sandboxUrl}/webhooks/${endpoint}`, events: ["session.created"] });
    expect(created.secret).toMatch(/^whsec_/);
    expect((await admin().webhooks.list(tenant.tenant_id)).webhooks.map((webhook) => webhook.webhook_id)).toContain(created.webhook_id);
    await signedIn();
    const verifier = createWebhookVerifier({ secret: created.secret });
    const deadline = Date.now() + 30_000;
    let delivered: { body: string; webhook_id: string; webhook_timestamp: string; webhook_signature: string } | undefined;
    while (!delivered && Date.now() < deadline) {
      const inbox = (await (await fetch(`${e2eStack().sandboxUrl}/webhooks?endpoint=${endpoint}`)).json()) as { deliveries: { body: string; webhook_id: string; webhook_timestamp: string; webhook_signature: string }[] };
      delivered = inbox.deliveries[0];
      if (!delivered) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    if (!delivered) throw new Error("no delivery arrived");
    const verified = await verifier.verify(delivered.body, { "webhook-id": delivered.webhook_id, "webhook-timestamp": delivered.webhook_timestamp, "webhook-signature": delivered.webhook_signature });
    expect(verified).toMatchObject({ ok: true, event: { type: "session.created", id: delivered.webhook_id } });
    const page = await admin().webhooks.deliveries(tenant.tenant_id, created.webhook_id, { limit: 5 });
    expect(page.deliveries[0]?.event.id).toBe(delivered.webhook_id);
    await admin().webhooks.delete(tenant.tenant_id, created.webhook_id);
    await expect(admin().webhooks.get(tenant.tenant_id, created.webhook_id)).rejects.toMatchObject({ status: 404, code: "not_found" });
  });
});

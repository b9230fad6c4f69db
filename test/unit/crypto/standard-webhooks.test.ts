import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { generateWebhookSecret, signWebhook, webhookHeaders, webhookSecretKey } from "../../../shared/crypto/standard-webhooks";

/**
 * The signing example every Standard Webhooks reference library tests against, in
 * github.com/standard-webhooks/standard-webhooks at b2fa7b8: libraries/javascript/src/webhook.test.ts
 * ("sign function works"), libraries/python/tests/test_webhooks.py (test_sign_function) and
 * libraries/go/webhook_test.go (TestWebhookSign). The specification text itself gives no secret
 * with its example signature, so this is the published vector to hold to.
 */
const SPEC_EXAMPLE = {
  secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
  id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
};

const nowSeconds = () => Math.floor(Date.now() / 1000);

describe("Standard Webhooks signatures", () => {
  it("signs the specification's published example to its published signature", async () => {
    await expect(signWebhook(SPEC_EXAMPLE)).resolves.toBe(SPEC_EXAMPLE.signature);
  });

  it("makes whsec_ secrets of 32 random bytes, each different", () => {
    const secrets = new Set(Array.from({ length: 50 }, generateWebhookSecret));
    expect(secrets.size).toBe(50);
    for (const secret of secrets) {
      expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
      expect(webhookSecretKey(secret)).toHaveLength(32);
    }
  });

  it("signs a Date and the same instant in seconds alike", async () => {
    const at = new Date(SPEC_EXAMPLE.timestamp * 1000 + 999);
    await expect(signWebhook({ ...SPEC_EXAMPLE, timestamp: at })).resolves.toBe(SPEC_EXAMPLE.signature);
    await expect(webhookHeaders({ ...SPEC_EXAMPLE, timestamp: at })).resolves.toEqual({
      "webhook-id": SPEC_EXAMPLE.id,
      "webhook-timestamp": "1614265330",
      "webhook-signature": SPEC_EXAMPLE.signature,
    });
  });

  it("shifted boundary: refuses an id with a full stop, which would let one signature cover another id and body", async () => {
    // "evt_a" + ".1." + "2.{}" and "evt_a.1" + ".2." + "{}" would be the same signed bytes.
    await expect(signWebhook({ ...SPEC_EXAMPLE, id: "evt_a.1", timestamp: 2, body: "{}" })).rejects.toThrow(/full stop/);
    await expect(signWebhook({ ...SPEC_EXAMPLE, id: "" })).rejects.toThrow(/not empty/);
  });

  it("refuses to sign with an invalid date, rather than send a NaN timestamp", async () => {
    await expect(signWebhook({ ...SPEC_EXAMPLE, timestamp: new Date("not a date") })).rejects.toThrow(/timestamp/);
    await expect(signWebhook({ ...SPEC_EXAMPLE, timestamp: Number.NaN })).rejects.toThrow(/timestamp/);
    await expect(signWebhook({ ...SPEC_EXAMPLE, timestamp: -1 })).rejects.toThrow(/timestamp/);
  });

  it("refuses a secret that is not whsec_ and the base64 of 24 to 64 bytes", () => {
    expect(() => webhookSecretKey("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")).toThrow(/whsec_/);
    expect(() => webhookSecretKey("whsec_not base64!")).toThrow(/base64/);
    expect(() => webhookSecretKey("whsec_AAAA")).toThrow(/24 to 64 bytes/);
  });

  it("is accepted by the standardwebhooks package as an independent receiver", async () => {
    const secret = generateWebhookSecret();
    const body = JSON.stringify({ type: "user.created", timestamp: new Date().toISOString(), data: { user_id: "usr_x" } });
    const headers = await webhookHeaders({ secret, id: "evt_0123456789abcdefghjkmnpqrs", timestamp: new Date(), body });
    expect(new Webhook(secret).verify(body, { ...headers })).toEqual(JSON.parse(body));
  });

  it("forged body: a receiver refuses a payload changed after signing", async () => {
    const secret = generateWebhookSecret();
    const headers = await webhookHeaders({ secret, id: "evt_a", timestamp: nowSeconds(), body: '{"data":{"roles":["user"]}}' });
    expect(() => new Webhook(secret).verify('{"data":{"roles":["admin"]}}', { ...headers })).toThrow();
  });

  it("forged secret: a receiver refuses a signature made with another endpoint's secret", async () => {
    const body = '{"type":"session.created"}';
    const headers = await webhookHeaders({ secret: generateWebhookSecret(), id: "evt_a", timestamp: nowSeconds(), body });
    expect(() => new Webhook(generateWebhookSecret()).verify(body, { ...headers })).toThrow();
  });

  it("replay: a receiver refuses a delivery whose signed timestamp is hours old", async () => {
    const secret = generateWebhookSecret();
    const body = '{"type":"session.revoked"}';
    const headers = await webhookHeaders({ secret, id: "evt_a", timestamp: nowSeconds() - 3 * 3600, body });
    expect(() => new Webhook(secret).verify(body, { ...headers })).toThrow(/timestamp/i);
    // Moving the timestamp forward breaks the signature: the timestamp is part of what is signed.
    expect(() => new Webhook(secret).verify(body, { ...headers, "webhook-timestamp": String(nowSeconds()) })).toThrow();
  });

  it("swapped id: a receiver refuses a signature moved onto another message id", async () => {
    const secret = generateWebhookSecret();
    const body = '{"type":"user.deleted"}';
    const headers = await webhookHeaders({ secret, id: "evt_first", timestamp: nowSeconds(), body });
    expect(() => new Webhook(secret).verify(body, { ...headers, "webhook-id": "evt_second" })).toThrow();
  });
});

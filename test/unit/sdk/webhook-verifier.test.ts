import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { createWebhookVerifier } from "../../../sdk/src/server/webhook-verifier";

/** The Standard Webhooks libraries' shared example (their sign tests). */
const SPEC = {
  secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
  id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
  timestamp: 1614265330,
  signature: "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
};
const SECRET = "whsec_" + btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
const BODY = JSON.stringify({ type: "user.created", timestamp: "2026-12-03T07:00:00.000Z", data: { user_id: "usr_a" } });

/** Signed by the `standardwebhooks` package: an implementation independent of ours. */
function signed(secret: string, id: string, at: Date, body: string): Record<string, string> {
  return { "webhook-id": id, "webhook-timestamp": String(Math.floor(at.getTime() / 1000)), "webhook-signature": new Webhook(secret).sign(id, at, body) };
}

describe("the SDK's webhook verifier", () => {
  it("accepts what the standardwebhooks package signs, from a Headers object or a plain record", async () => {
    const verifier = createWebhookVerifier({ secret: SECRET });
    const headers = signed(SECRET, "evt_1", new Date(), BODY);
    expect(await verifier.verify(BODY, headers)).toEqual({ ok: true, event: { id: "evt_1", type: "user.created", timestamp: "2026-12-03T07:00:00.000Z", data: { user_id: "usr_a" } } });
    expect((await verifier.verify(BODY, new Headers(headers))).ok).toBe(true);
  });

  it("accepts the specification's example at its own time, with several signatures in the header", async () => {
    const body = '{"type": "x", "timestamp": "t", "data": {}}';
    const headers = signed(SPEC.secret, SPEC.id, new Date(SPEC.timestamp * 1000), body);
    const verifier = createWebhookVerifier({ secret: SPEC.secret, now: () => new Date(SPEC.timestamp * 1000) });
    expect((await verifier.verify(body, { ...headers, "webhook-signature": `v1,bm90IGl0 ${headers["webhook-signature"] ?? ""}` })).ok).toBe(true);
  });

  it("checks the specification's published signature byte for byte", async () => {
    const verifier = createWebhookVerifier({ secret: SPEC.secret, now: () => new Date(SPEC.timestamp * 1000) });
    const body = '{"test": 2432232314}';
    const result = await verifier.verify(body, { "webhook-id": SPEC.id, "webhook-timestamp": String(SPEC.timestamp), "webhook-signature": SPEC.signature });
    // The signature matches; the example's body is not a Portcullis envelope.
    expect(result).toEqual({ ok: false, reason: "bad_body" });
  });

  it("forged body: a change after signing is refused", async () => {
    const verifier = createWebhookVerifier({ secret: SECRET });
    const headers = signed(SECRET, "evt_1", new Date(), BODY);
    expect(await verifier.verify(BODY.replace("usr_a", "usr_b"), headers)).toEqual({ ok: false, reason: "bad_signature" });
  });

  it("forged secret: another endpoint's signature is refused", async () => {
    const other = "whsec_" + btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
    expect(await createWebhookVerifier({ secret: SECRET }).verify(BODY, signed(other, "evt_1", new Date(), BODY))).toEqual({ ok: false, reason: "bad_signature" });
  });

  it("replay: a delivery signed ten minutes ago is refused, and so is one from the future", async () => {
    const verifier = createWebhookVerifier({ secret: SECRET });
    expect(await verifier.verify(BODY, signed(SECRET, "evt_1", new Date(Date.now() - 600_000), BODY))).toEqual({ ok: false, reason: "stale_timestamp" });
    expect(await verifier.verify(BODY, signed(SECRET, "evt_1", new Date(Date.now() + 600_000), BODY))).toEqual({ ok: false, reason: "stale_timestamp" });
  });

  it("swapped id: a signature moved onto another webhook-id is refused", async () => {
    const headers = signed(SECRET, "evt_1", new Date(), BODY);
    expect(await createWebhookVerifier({ secret: SECRET }).verify(BODY, { ...headers, "webhook-id": "evt_2" })).toEqual({ ok: false, reason: "bad_signature" });
  });

  it("refuses missing headers, a malformed secret, and a signature of another version", async () => {
    const headers = signed(SECRET, "evt_1", new Date(), BODY);
    expect(await createWebhookVerifier({ secret: SECRET }).verify(BODY, { "webhook-id": "evt_1" })).toEqual({ ok: false, reason: "missing_headers" });
    expect(await createWebhookVerifier({ secret: "not-a-secret" }).verify(BODY, headers)).toEqual({ ok: false, reason: "bad_secret" });
    const v2 = { ...headers, "webhook-signature": (headers["webhook-signature"] ?? "").replace("v1,", "v2,") };
    expect(await createWebhookVerifier({ secret: SECRET }).verify(BODY, v2)).toEqual({ ok: false, reason: "bad_signature" });
  });
});

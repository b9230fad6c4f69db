/**
 * The gate's signature against an independent RFC 9421 implementation, the
 * `http-message-signatures` package (Node crypto, its own structured-field
 * parser), in both directions.
 */
import { createHash } from "node:crypto";
import { createSigner, createVerifier, httpbis } from "http-message-signatures";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { GATE_KEY_ID, verifyGateRequest } from "../../../sdk/src/server/gate-signature";
import { headerRecord, SECRET, signedRequest, USER } from "./signed-request";

const NOW_MS = 1_800_000_000_000;
const NOW = NOW_MS / 1000;

beforeEach(() => {
  // The library reads the clock itself.
  vi.useFakeTimers({ now: NOW_MS, toFake: ["Date"] });
});
afterEach(() => {
  vi.useRealTimers();
});

const keyLookup = (secret: string) => () =>
  Promise.resolve({ id: GATE_KEY_ID, algs: ["hmac-sha256"], verify: createVerifier(secret, "hmac-sha256") });

describe("the gate's signature verifies with http-message-signatures", () => {
  it("for a signed-in request with a body", async () => {
    const request = await signedRequest({ created: NOW });
    const message = { method: request.method, url: request.url, headers: headerRecord(request.headers) };
    expect(await httpbis.verifyMessage({ keyLookup: keyLookup(SECRET) }, message)).toBe(true);
    // The library checks the same things: another secret or another host fails there too.
    expect(await httpbis.verifyMessage({ keyLookup: keyLookup("another-secret-another-secret-another") }, message)).toBe(false);
    expect(await httpbis.verifyMessage({ keyLookup: keyLookup(SECRET) }, { ...message, url: "https://billing.example/orders?page=2" })).toBe(false);
  });

  it("for an anonymous request without a client address", async () => {
    const request = await signedRequest({ created: NOW, signedIn: false, clientAddress: null, method: "GET", body: "", url: "http://127.0.0.1:8789/public/page" });
    const message = { method: request.method, url: request.url, headers: headerRecord(request.headers) };
    expect(await httpbis.verifyMessage({ keyLookup: keyLookup(SECRET) }, message)).toBe(true);
  });
});

describe("a request signed by http-message-signatures verifies with verifyGateRequest", () => {
  const body = '{"item":"book"}';
  const headers = {
    "content-type": "application/json",
    "content-digest": `sha-256=:${createHash("sha256").update(body).digest("base64")}:`,
    "x-request-id": "req_lib",
    "x-user-id": USER.userId,
    "x-tenant-id": USER.tenantId,
    "x-session-id": USER.sessionId,
    "x-user-roles": USER.roles.join(","),
  };
  const sign = (fields: string[], secret = SECRET) =>
    httpbis.signMessage(
      {
        key: { ...createSigner(secret, "hmac-sha256", GATE_KEY_ID), alg: "hmac-sha256" },
        name: "portcullis",
        fields,
        params: ["created", "expires", "nonce", "keyid", "alg"],
        paramValues: { created: new Date(NOW_MS), expires: new Date(NOW_MS + 60_000), nonce: "library-nonce" },
      },
      { method: "PUT", url: "https://origin.example/orders/7?draft=1", headers },
    );
  const fields = ["@method", "@authority", "@path", "@query", "content-digest", "x-request-id", "x-user-id", "x-tenant-id", "x-session-id", "x-user-roles"];
  const verify = (signed: { headers: Record<string, string | string[]> }, received = body) =>
    verifyGateRequest({ method: "PUT", url: "/orders/7?draft=1", headers: signed.headers, body: received, secret: SECRET, authority: "origin.example", now: NOW });

  it("and yields the identity it covers", async () => {
    const signed = await sign(fields);
    expect((signed.headers as Record<string, unknown>)["Signature-Input"]).toMatch(/^portcullis=\("@method" "@authority"/);
    expect(await verify(signed)).toMatchObject({ ok: true, identity: { kind: "user", ...USER }, requestId: "req_lib", nonce: "library-nonce", created: NOW, expires: NOW + 60 });
  });

  it("but not with another secret, another body, or without the body's digest covered", async () => {
    expect(await verify(await sign(fields, "another-secret-another-secret-another"))).toEqual({ ok: false, reason: "bad_signature" });
    expect(await verify(await sign(fields), '{"item":"car"}')).toEqual({ ok: false, reason: "digest_mismatch" });
    expect(await verify(await sign(fields.filter((field) => field !== "content-digest")))).toEqual({ ok: false, reason: "malformed" });
  });
});

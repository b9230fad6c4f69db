import { describe, expect, it } from "vitest";
import { verifyGateRequest, type VerifyInput } from "../../../sdk/src/server/gate-signature";
import { CLIENT, headerRecord, NOW, ORIGIN, SECRET, SIGN_IN, signedRequest, USER, type SignedRequest } from "./signed-request";

const verify = (request: SignedRequest, extra: Partial<VerifyInput> = {}) =>
  verifyGateRequest({ method: request.method, url: request.url, headers: request.headers, body: request.body, secret: SECRET, authority: "origin.example", now: NOW, ...extra });

describe("verifyGateRequest (runs in Node with WebCrypto only)", () => {
  it("accepts what the gate signed and says who the user is", async () => {
    const request = await signedRequest();
    expect(await verify(request)).toEqual({
      ok: true,
      identity: { kind: "user", ...USER, amr: SIGN_IN.amr, authTime: SIGN_IN.authTime },
      requestId: "req_d",
      clientAddress: "203.0.113.7",
      created: NOW,
      expires: NOW + 60,
      nonce: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/) as unknown,
    });
  });

  it("accepts the path-only URL a Node server sees, and a Node-style header record", async () => {
    const request = await signedRequest();
    const record = headerRecord(request.headers);
    expect((await verify(request, { url: "/orders?page=2", headers: record })).ok).toBe(true);
  });

  it("signs a fresh nonce into every request", async () => {
    const [first, second] = await Promise.all([signedRequest(), signedRequest()]);
    const nonces = [await verify(first), await verify(second)].map((result) => (result.ok ? result.nonce : ""));
    expect(nonces[0]).not.toBe(nonces[1]);
  });

  it("refuses a forged signature made with another secret", async () => {
    expect(await verify(await signedRequest({ secret: "another-secret-another-secret-another" }))).toEqual({ ok: false, reason: "bad_signature" });
  });

  it.each([
    ["X-User-Id", "usr_someone_else"],
    ["X-Tenant-Id", "tn_other"],
    ["X-Session-Id", "ses_other"],
    ["X-User-Roles", "user,admin,root"],
    ["X-Portcullis-Amr", "pwd,otp,mfa,hwk"],
    ["X-Portcullis-Auth-Time", String(NOW)],
    ["X-Request-Id", "req_other"],
    ["X-Forwarded-For", "198.51.100.1"],
    ["X-Real-IP", "198.51.100.1"],
    ["True-Client-IP", "198.51.100.1"],
    ["Forwarded", "for=198.51.100.1"],
  ])("refuses an altered %s", async (name, value) => {
    const request = await signedRequest();
    request.headers.set(name, value);
    expect(await verify(request)).toEqual({ ok: false, reason: "bad_signature" });
  });

  it("refuses the headers replayed on another method, path or query", async () => {
    const request = await signedRequest();
    expect(await verify(request, { method: "DELETE" })).toEqual({ ok: false, reason: "bad_signature" });
    expect(await verify(request, { url: `${ORIGIN}/orders/7?page=2` })).toEqual({ ok: false, reason: "bad_signature" });
    expect(await verify(request, { url: `${ORIGIN}/orders?page=3` })).toEqual({ ok: false, reason: "bad_signature" });
    expect(await verify(request, { url: `${ORIGIN}/orders` })).toEqual({ ok: false, reason: "bad_signature" });
  });

  it("replay with another body: refused, whether or not the attacker rewrites Content-Digest", async () => {
    const request = await signedRequest({ body: '{"amount":10}' });
    const otherBody = new TextEncoder().encode('{"amount":10000}');
    expect(await verify(request, { body: otherBody })).toEqual({ ok: false, reason: "digest_mismatch" });
    expect(await verify(request, { body: null })).toEqual({ ok: false, reason: "digest_mismatch" });

    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", otherBody));
    request.headers.set("Content-Digest", `sha-256=:${btoa(String.fromCharCode(...digest))}:`);
    expect(await verify(request, { body: otherBody })).toEqual({ ok: false, reason: "bad_signature" });
  });

  it("accepts a body given as text or an ArrayBuffer, and a bodyless request with null", async () => {
    const request = await signedRequest({ body: "héllo" });
    expect((await verify(request, { body: "héllo" })).ok).toBe(true);
    expect((await verify(request, { body: request.body.slice().buffer })).ok).toBe(true);
    const bodyless = await signedRequest({ method: "GET", body: "" });
    expect((await verify(bodyless, { body: null })).ok).toBe(true);
  });

  it("replay to another host sharing the secret: refused", async () => {
    const request = await signedRequest({ url: "https://billing.example/orders?page=2" });
    expect(await verify(request, { authority: "origin.example" })).toEqual({ ok: false, reason: "bad_signature" });
    // Even when the replayed request claims the right host, the origin checks the authority it is configured with.
    request.headers.set("Host", "origin.example");
    expect(await verify(request, { authority: ["origin.example", "origin.example:8443"] })).toEqual({ ok: false, reason: "bad_signature" });
    expect((await verify(request, { authority: ["origin.example", "Billing.Example"] })).ok).toBe(true);
    expect((await verify(request, { authority: "https://billing.example" })).ok).toBe(true);
  });

  it("refuses a signature that has expired, is older than the origin allows, or comes from the future", async () => {
    const request = await signedRequest();
    expect(await verify(request, { now: NOW + 60 + 6 })).toEqual({ ok: false, reason: "stale" });
    expect((await verify(request, { now: NOW + 60 + 5 })).ok).toBe(true);
    expect(await verify(request, { now: NOW + 20, maxAgeSeconds: 10, clockSkewSeconds: 0 })).toEqual({ ok: false, reason: "stale" });
    expect(await verify(request, { now: NOW - 6 })).toEqual({ ok: false, reason: "stale" });
    expect((await verify(request, { now: NOW - 5 })).ok).toBe(true);
  });

  it("replayed nonce: refused once the origin's store has seen it, and kept until the signature expires", async () => {
    const seen = new Map<string, number>();
    const seenNonce = (nonce: string, expiresAt: number) => {
      if (seen.has(nonce)) return true;
      seen.set(nonce, expiresAt);
      return false;
    };
    const request = await signedRequest();
    expect((await verify(request, { seenNonce })).ok).toBe(true);
    expect(await verify(request, { seenNonce })).toEqual({ ok: false, reason: "replayed" });
    expect([...seen.values()]).toEqual([NOW + 60 + 5]);
  });

  it("a forged request is refused before its nonce is recorded", async () => {
    const recorded: string[] = [];
    const request = await signedRequest({ secret: "another-secret-another-secret-another" });
    expect(await verify(request, { seenNonce: (nonce) => (recorded.push(nonce), false) })).toEqual({ ok: false, reason: "bad_signature" });
    expect(recorded).toEqual([]);
  });
});

describe("anonymous requests", () => {
  it("anonymous treated as user: a public-route request verifies as anonymous, with no user to read", async () => {
    const request = await signedRequest({ signedIn: false });
    const result = await verify(request);
    expect(result).toMatchObject({ ok: true, identity: { kind: "anonymous" }, requestId: "req_d" });
    expect(result.ok && "userId" in result.identity).toBe(false);
  });

  it.each(["X-User-Id", "X-Tenant-Id", "X-Session-Id", "X-User-Roles", "X-User-Email", "X-Portcullis-User", "X-Portcullis-Amr", "X-Portcullis-Auth-Time"])(
    "identity header %s added to an anonymous request is refused, not passed on as unsigned",
    async (name) => {
      const request = await signedRequest({ signedIn: false });
      request.headers.set(name, "usr_attacker");
      expect(await verify(request)).toEqual({ ok: false, reason: "unsigned_header" });
    },
  );

  it("a client's request verifies as the client, with no user, session or sign-in to read", async () => {
    const result = await verify(await signedRequest({ asClient: true }));
    expect(result).toMatchObject({ ok: true, identity: { kind: "client", ...CLIENT } });
    expect(result.ok && "userId" in result.identity).toBe(false);
  });

  it.each(["X-User-Id", "X-Session-Id", "X-User-Roles", "X-Portcullis-Amr"])("client taken for a user: %s added to a client's request is refused as unsigned", async (name) => {
    const request = await signedRequest({ asClient: true });
    request.headers.set(name, "usr_attacker");
    expect(await verify(request)).toEqual({ ok: false, reason: "unsigned_header" });
  });

  it("client taken for a user: a signature listing a user's and a client's identity, or part of a client's, is malformed", async () => {
    const mixed = await signedRequest({ asClient: true });
    mixed.headers.set("Signature-Input", (mixed.headers.get("Signature-Input") ?? "").replace('("', '("x-user-id" "'));
    expect(await verify(mixed)).toEqual({ ok: false, reason: "malformed" });
    const partial = await signedRequest({ asClient: true });
    partial.headers.set("Signature-Input", (partial.headers.get("Signature-Input") ?? "").replace(' "x-portcullis-client-roles"', ""));
    expect(partial.headers.get("Signature-Input")).not.toContain("x-portcullis-client-roles");
    expect(await verify(partial)).toEqual({ ok: false, reason: "malformed" });
  });

  it("client address headers added to a request the platform gave no address for are refused", async () => {
    const request = await signedRequest({ clientAddress: null });
    expect(await verify(request)).toMatchObject({ ok: true, clientAddress: null });
    request.headers.set("X-Forwarded-For", "10.0.0.1");
    expect(await verify(request)).toEqual({ ok: false, reason: "unsigned_header" });
  });
});

describe("how the user signed in (amr, auth_time)", () => {
  it("an old-style signature, from a gate before the amr header, still verifies and says nothing of the sign-in", async () => {
    const request = await signedRequest({ signInHeaders: false });
    expect(request.headers.get("Signature-Input")).not.toMatch(/x-portcullis/);
    expect(await verify(request)).toMatchObject({ ok: true, identity: { kind: "user", ...USER, amr: [], authTime: null } });
  });

  it("a new signature covers both headers, after the identity headers", async () => {
    const request = await signedRequest();
    expect(request.headers.get("Signature-Input")).toMatch(/"x-user-roles" "x-portcullis-amr" "x-portcullis-auth-time" "x-forwarded-for"/);
  });

  it.each([
    ["X-Portcullis-Amr", "sms,mfa"],
    ["X-Portcullis-Auth-Time", String(NOW)],
  ])("an origin is not fooled by a %s header added after signing", async (name, value) => {
    // A single-factor sign-in from a gate that sent no sign-in headers, dressed up on the way.
    const request = await signedRequest({ signInHeaders: false });
    const lookAlike: Record<string, string> = { ...headerRecord(request.headers), [name.replaceAll("-", "_")]: value };
    expect(await verify(request, { headers: lookAlike })).toEqual({ ok: false, reason: "unsigned_header" });
    request.headers.set(name, value);
    expect(await verify(request)).toEqual({ ok: false, reason: "unsigned_header" });
  });

  it("an origin is not fooled by a stripped amr header, nor by one stripped from the signature too", async () => {
    const stripped = await signedRequest();
    stripped.headers.delete("X-Portcullis-Amr");
    expect(await verify(stripped)).toEqual({ ok: false, reason: "bad_signature" });

    const downgraded = await signedRequest();
    downgraded.headers.delete("X-Portcullis-Amr");
    downgraded.headers.set("Signature-Input", (downgraded.headers.get("Signature-Input") ?? "").replace(' "x-portcullis-amr"', ""));
    expect(await verify(downgraded)).toEqual({ ok: false, reason: "bad_signature" });
  });

  it("an origin is not fooled by a fresher auth time", async () => {
    const request = await signedRequest();
    request.headers.set("X-Portcullis-Auth-Time", String(NOW));
    expect(await verify(request)).toEqual({ ok: false, reason: "bad_signature" });
  });
});

describe("look-alike headers", () => {
  it.each(["X_User_Id", "X-User_Roles", "x_tenant_id", "X_Request_Id", "X_Forwarded_For", "Content_Digest", "Signature_Input", "X_Portcullis_Amr", "X-Portcullis_Auth_Time"])(
    "look-alike %s beside a valid signature is refused",
    async (name) => {
      const request = await signedRequest();
      const record: Record<string, string> = { ...headerRecord(request.headers), [name]: "usr_attacker" };
      expect(await verify(request, { headers: record })).toEqual({ ok: false, reason: "unsigned_header" });
    },
  );
});

describe("odd request targets and methods", () => {
  it.each(["*", "", "?page=2", "example.com:443", "http://[::1", "http://exa mple/"])(
    "odd target %j with a well-formed forged signature: a failure is returned, never thrown",
    async (url) => {
      const request = await signedRequest();
      expect(await verify(request, { url })).toEqual({ ok: false, reason: "bad_signature" });
    },
  );

  it("an origin configured with an authority that is not a URL refuses rather than throws", async () => {
    expect(await verify(await signedRequest(), { authority: "http://[" })).toEqual({ ok: false, reason: "bad_signature" });
  });

  it("method case: a request signed as GET does not verify as get (RFC 9421 §2.2.1)", async () => {
    const request = await signedRequest({ method: "GET" });
    expect((await verify(request)).ok).toBe(true);
    expect(await verify(request, { method: "get" })).toEqual({ ok: false, reason: "bad_signature" });
  });
});

describe("override headers", () => {
  it.each([
    "X-HTTP-Method-Override",
    "X-HTTP-Method",
    "X-Method-Override",
    "X_HTTP_Method_Override",
    "X-Client-IP",
    "Client-IP",
    "X-Cluster-Client-IP",
    "Fastly-Client-IP",
    "X-Forwarded-Host",
    "X-Forwarded-Proto",
    "X-Original-URL",
    "X-Rewrite-URL",
  ])("method or address override %s added beside a valid signature is refused", async (name) => {
    const request = await signedRequest();
    const record: Record<string, string> = { ...headerRecord(request.headers), [name]: "DELETE" };
    expect(await verify(request, { headers: record })).toEqual({ ok: false, reason: "unsigned_header" });
  });
});

describe("signature shape", () => {
  it("refuses a request without the gate's signature, or with only another signer's", async () => {
    const request = await signedRequest();
    const input = request.headers.get("Signature-Input") ?? "";
    const signature = request.headers.get("Signature") ?? "";
    request.headers.delete("Signature");
    expect(await verify(request)).toEqual({ ok: false, reason: "missing" });
    request.headers.set("Signature-Input", input.replace("portcullis=", "other="));
    request.headers.set("Signature", signature.replace("portcullis=", "other="));
    expect(await verify(request)).toEqual({ ok: false, reason: "missing" });
  });

  it("finds the gate's member beside another signer's in the same headers", async () => {
    const request = await signedRequest();
    request.headers.set("Signature-Input", `other=("@method");created=1;keyid="x",  ${request.headers.get("Signature-Input") ?? ""}`);
    request.headers.set("Signature", `other=:AAAA:, ${request.headers.get("Signature") ?? ""}`);
    expect((await verify(request)).ok).toBe(true);
  });

  type Change = (input: string, signature: string) => [string, string];
  it.each<[string, Change]>([
    ["an unparsable Signature", (input: string, signature: string) => [input, signature.replace(/:$/, "")]],
    ["a signature of the wrong length", (input: string) => [input, "portcullis=:AAAA:"]],
    ["a component list without content-digest", (input: string, signature: string) => [input.replace(' "content-digest"', ""), signature]],
    ["only some of the identity headers", (input: string, signature: string) => [input.replace(' "x-user-roles"', ""), signature]],
    [
      "the sign-in headers without the identity headers",
      (input: string, signature: string) => [input.replace(' "x-user-id" "x-tenant-id" "x-session-id" "x-user-roles"', ""), signature],
    ],
    ["a component the gate never signs", (input: string, signature: string) => [input.replace('"@method"', '"@method" "@target-uri"'), signature]],
    ["a component with parameters", (input: string, signature: string) => [input.replace('"x-user-id"', '"x-user-id";bs'), signature]],
    ["another algorithm", (input: string, signature: string) => [input.replace('alg="hmac-sha256"', 'alg="ed25519"'), signature]],
    ["another key id", (input: string, signature: string) => [input.replace('keyid="portcullis-gate"', 'keyid="other"'), signature]],
    ["no nonce", (input: string, signature: string) => [input.replace(/;nonce="[^"]*"/, ""), signature]],
    ["no expires", (input: string, signature: string) => [input.replace(/;expires=\d+/, ""), signature]],
  ])("refuses %s as malformed", async (_, change) => {
    const request = await signedRequest();
    const [input, signature] = change(request.headers.get("Signature-Input") ?? "", request.headers.get("Signature") ?? "");
    request.headers.set("Signature-Input", input);
    request.headers.set("Signature", signature);
    expect(await verify(request)).toEqual({ ok: false, reason: "malformed" });
  });
});

import { SignJWT, decodeJwt, decodeProtectedHeader } from "jose";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { signAccessToken, verifyAccessToken, type VerificationKeyLookup } from "../../../shared/crypto/access-token";
import { encodeBase64Url } from "../../../shared/crypto/base64url";
import { importVerificationKey } from "../../../shared/crypto/ecdsa-verification";
import { generateSigningKey, importPrivateSigningKey } from "../../../shared/crypto/es256-keys";
import { newId } from "../../../shared/crypto/ids";
import { MAX_ACCESS_TOKEN_TTL_SECONDS, type AccessTokenClaims } from "../../../shared/domain/access-token-claims";

const ISSUER = "https://auth.portcullis.test";
const NOW_SECONDS = 1_800_000_000;
const KID = newId("key");

interface Signer {
  readonly kid: string;
  readonly privateKey: CryptoKey;
}

let ours: Signer;
let stranger: Signer;
let ourKeys: VerificationKeyLookup;
let ourPublicJwkJson: string;

beforeAll(async () => {
  const [generated, other] = await Promise.all([generateSigningKey(KID), generateSigningKey(newId("key"))]);
  ours = { kid: KID, privateKey: await importPrivateSigningKey(generated.privateJwkJson) };
  stranger = { kid: other.publicJwk.kid, privateKey: await importPrivateSigningKey(other.privateJwkJson) };
  ourKeys = (kid, alg) => (kid === KID ? importVerificationKey(generated.publicJwk, alg) : Promise.resolve(null));
  ourPublicJwkJson = JSON.stringify(generated.publicJwk);
});

beforeEach(() => {
  // The clock is frozen so skew boundaries are exact.
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(NOW_SECONDS * 1000);
});

afterEach(() => {
  vi.useRealTimers();
});

function claims(overrides: Partial<AccessTokenClaims> = {}): AccessTokenClaims {
  return {
    iss: ISSUER,
    aud: "https://api.portcullis.test",
    sub: newId("usr"),
    tid: newId("tn"),
    sid: newId("ses"),
    roles: ["user"],
    jti: newId("req"),
    iat: NOW_SECONDS,
    exp: NOW_SECONDS + 900,
    ...overrides,
  };
}

const json = (value: unknown) => encodeBase64Url(new TextEncoder().encode(JSON.stringify(value)));

/** A compact ES256 JWS with whatever header and payload the attacker likes, signed without jose's checks. */
async function forge(header: Record<string, unknown>, payload: Record<string, unknown>, signer: Signer = ours): Promise<string> {
  const signingInput = `${json(header)}.${json(payload)}`;
  const signature = await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, signer.privateKey, new TextEncoder().encode(signingInput));
  return `${signingInput}.${encodeBase64Url(new Uint8Array(signature))}`;
}

const OUR_HEADER = { alg: "ES256", kid: KID, typ: "at+jwt" };

describe("signAccessToken", () => {
  it("writes the header the contract fixes: ES256, our kid, typ at+jwt, nothing else", async () => {
    const token = await signAccessToken(claims(), ours);
    expect(decodeProtectedHeader(token)).toEqual({ alg: "ES256", kid: KID, typ: "at+jwt" });
  });

  it("carries exactly the claims it was given, and no others", async () => {
    const issued = claims({ roles: ["user", "org:admin"] });
    expect(decodeJwt(await signAccessToken(issued, ours))).toEqual(issued);
  });
});

describe("verifyAccessToken", () => {
  it("round-trips a token it signed", async () => {
    const issued = claims();
    expect(await verifyAccessToken(await signAccessToken(issued, ours), ourKeys, ISSUER, NOW_SECONDS)).toEqual({ ok: true, value: issued });
  });

  it("accepts the media-type spelling application/at+jwt of typ (RFC 9068)", async () => {
    const token = await forge({ ...OUR_HEADER, typ: "application/at+jwt" }, { ...claims() });
    expect((await verifyAccessToken(token, ourKeys, ISSUER, NOW_SECONDS)).ok).toBe(true);
  });

  it("leaves the audience to the caller, who checks it per tenant", async () => {
    const token = await signAccessToken(claims({ aud: "https://someone-else.test" }), ours);
    const result = await verifyAccessToken(token, ourKeys, ISSUER, NOW_SECONDS);
    expect(result.ok && result.value.aud).toBe("https://someone-else.test");
  });

  describe("signatures", () => {
    it("rejects a token whose payload was altered after signing (role escalation)", async () => {
      const [header, , signature] = (await signAccessToken(claims(), ours)).split(".");
      const escalated = json(claims({ roles: ["admin"] }));
      expect(await verifyAccessToken(`${header}.${escalated}.${signature}`, ourKeys, ISSUER, NOW_SECONDS)).toEqual({ ok: false, error: "bad_signature" });
    });

    it("rejects a token whose signature was altered", async () => {
      const token = await signAccessToken(claims(), ours);
      const cut = token.lastIndexOf(".") + 1;
      const flipped = `${token.slice(0, cut)}${token[cut] === "A" ? "B" : "A"}${token.slice(cut + 1)}`;
      expect(await verifyAccessToken(flipped, ourKeys, ISSUER, NOW_SECONDS)).toEqual({ ok: false, error: "bad_signature" });
    });

    it("rejects a token signed with another key under our kid", async () => {
      const token = await signAccessToken(claims(), { kid: KID, privateKey: stranger.privateKey });
      expect(await verifyAccessToken(token, ourKeys, ISSUER, NOW_SECONDS)).toEqual({ ok: false, error: "bad_signature" });
    });

    it("rejects a token whose kid is not among our keys", async () => {
      const token = await signAccessToken(claims(), stranger);
      expect(await verifyAccessToken(token, ourKeys, ISSUER, NOW_SECONDS)).toEqual({ ok: false, error: "bad_signature" });
    });

    it("rejects alg none with an empty signature", async () => {
      const token = `${json({ alg: "none", typ: "at+jwt", kid: KID })}.${json(claims())}.`;
      expect(await verifyAccessToken(token, ourKeys, ISSUER, NOW_SECONDS)).toEqual({ ok: false, error: "malformed" });
    });

    it("rejects HS256 keyed with our public key (algorithm confusion)", async () => {
      const secret = new TextEncoder().encode(ourPublicJwkJson);
      const token = await new SignJWT({ ...claims() }).setProtectedHeader({ alg: "HS256", kid: KID, typ: "at+jwt" }).sign(secret);
      expect(await verifyAccessToken(token, ourKeys, ISSUER, NOW_SECONDS)).toEqual({ ok: false, error: "malformed" });
    });

    it.each([
      ["jku", { jku: "https://attacker.test/jwks.json" }],
      ["x5u", { x5u: "https://attacker.test/cert.pem" }],
      ["jwk", { jwk: { kty: "EC", crv: "P-256", x: "AAAA", y: "AAAA" } }],
      ["crit", { crit: ["urn:attacker:ext"], "urn:attacker:ext": true }],
    ])("rejects a %s header even on a token our key really signed", async (_, extra) => {
      const token = await forge({ ...OUR_HEADER, ...extra }, { ...claims() });
      expect(await verifyAccessToken(token, ourKeys, ISSUER, NOW_SECONDS)).toEqual({ ok: false, error: "malformed" });
    });

    it.each(["", "abc", "a.b", "a.b.c.d", "Bearer x.y.z"])("rejects %j as malformed", async (token) => {
      expect(await verifyAccessToken(token, ourKeys, ISSUER, NOW_SECONDS)).toEqual({ ok: false, error: "malformed" });
    });
  });

  describe("type and issuer", () => {
    it.each([
      ["JWT", { typ: "JWT" }],
      ["an id token's typ", { typ: "id+jwt" }],
      ["no typ", { typ: undefined }],
    ])("rejects %s (only at+jwt is an access token)", async (_, typ) => {
      const token = await forge({ ...OUR_HEADER, ...typ }, { ...claims() });
      expect(await verifyAccessToken(token, ourKeys, ISSUER, NOW_SECONDS)).toEqual({ ok: false, error: "claims" });
    });

    it("rejects a token from another issuer, even one signed with our key", async () => {
      const token = await signAccessToken(claims({ iss: "https://evil.test" }), ours);
      expect(await verifyAccessToken(token, ourKeys, ISSUER, NOW_SECONDS)).toEqual({ ok: false, error: "claims" });
    });

    it("rejects an issuer that differs only by a trailing slash", async () => {
      const token = await signAccessToken(claims({ iss: `${ISSUER}/` }), ours);
      expect(await verifyAccessToken(token, ourKeys, ISSUER, NOW_SECONDS)).toEqual({ ok: false, error: "claims" });
    });
  });

  describe("time, with the 30 s clock skew", () => {
    it("accepts a token that expired less than the skew ago", async () => {
      const token = await signAccessToken(claims({ iat: NOW_SECONDS - 929, exp: NOW_SECONDS - 29 }), ours);
      expect((await verifyAccessToken(token, ourKeys, ISSUER, NOW_SECONDS)).ok).toBe(true);
    });

    it("rejects a token that expired more than the skew ago", async () => {
      const token = await signAccessToken(claims({ iat: NOW_SECONDS - 931, exp: NOW_SECONDS - 31 }), ours);
      expect(await verifyAccessToken(token, ourKeys, ISSUER, NOW_SECONDS)).toEqual({ ok: false, error: "expired" });
    });

    it("accepts a token issued less than the skew in the future (a fast issuer clock)", async () => {
      const token = await signAccessToken(claims({ iat: NOW_SECONDS + 29, exp: NOW_SECONDS + 929 }), ours);
      expect((await verifyAccessToken(token, ourKeys, ISSUER, NOW_SECONDS)).ok).toBe(true);
    });

    // CLOCK_SKEW_SECONDS is documented as the tolerance for `iat`, and the
    // contract says `iat` may not be beyond it; the gate enforces this too.
    it("rejects a token issued more than the skew in the future", async () => {
      const token = await signAccessToken(claims({ iat: NOW_SECONDS + 31, exp: NOW_SECONDS + 931 }), ours);
      expect(await verifyAccessToken(token, ourKeys, ISSUER, NOW_SECONDS)).toEqual({ ok: false, error: "claims" });
    });
  });

  describe("one strict reading, the gate's", () => {
    /** Header and payload as raw JSON text, so a member can appear twice. */
    async function forgeRaw(headerJson: string, payloadJson: string): Promise<string> {
      const text = (value: string) => encodeBase64Url(new TextEncoder().encode(value));
      const signingInput = `${text(headerJson)}.${text(payloadJson)}`;
      const signature = await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, ours.privateKey, new TextEncoder().encode(signingInput));
      return `${signingInput}.${encodeBase64Url(new Uint8Array(signature))}`;
    }

    it("refuses a duplicate claim instead of taking the last one (two parsers, one token)", async () => {
      const victim = claims();
      const payload = JSON.stringify(victim).replace(/^\{/, `{"roles":["admin"],`);
      const token = await forgeRaw(JSON.stringify(OUR_HEADER), payload);
      expect(await verifyAccessToken(token, ourKeys, ISSUER, NOW_SECONDS)).toEqual({ ok: false, error: "claims" });
    });

    it("refuses a duplicate header parameter", async () => {
      const token = await forgeRaw(`{"alg":"ES256","kid":"${KID}","typ":"at+jwt","typ":"JWT"}`, JSON.stringify(claims()));
      expect(await verifyAccessToken(token, ourKeys, ISSUER, NOW_SECONDS)).toEqual({ ok: false, error: "malformed" });
    });
  });

  describe("lifetime, capped at the longest a tenant can configure", () => {
    it(`accepts a token living exactly MAX_ACCESS_TOKEN_TTL_SECONDS (${MAX_ACCESS_TOKEN_TTL_SECONDS} s)`, async () => {
      const token = await signAccessToken(claims({ exp: NOW_SECONDS + MAX_ACCESS_TOKEN_TTL_SECONDS }), ours);
      expect((await verifyAccessToken(token, ourKeys, ISSUER, NOW_SECONDS)).ok).toBe(true);
    });

    it("refuses a correctly signed token whose exp is one second past the cap (a token that outlives its revocation)", async () => {
      const token = await signAccessToken(claims({ exp: NOW_SECONDS + MAX_ACCESS_TOKEN_TTL_SECONDS + 1 }), ours);
      expect(await verifyAccessToken(token, ourKeys, ISSUER, NOW_SECONDS)).toEqual({ ok: false, error: "claims" });
    });

    it("refuses a token that expires before it was issued", async () => {
      const token = await signAccessToken(claims({ iat: NOW_SECONDS, exp: NOW_SECONDS }), ours);
      expect(await verifyAccessToken(token, ourKeys, ISSUER, NOW_SECONDS)).toEqual({ ok: false, error: "claims" });
    });
  });

  describe("claims, checked after the signature", () => {
    it.each(["exp", "iat", "sub", "aud", "iss", "tid", "sid", "roles", "jti"] as const)("rejects a token without %s", async (name) => {
      const payload = Object.fromEntries(Object.entries(claims()).filter(([key]) => key !== name));
      const token = await forge(OUR_HEADER, payload);
      expect(await verifyAccessToken(token, ourKeys, ISSUER, NOW_SECONDS)).toEqual({ ok: false, error: "claims" });
    });

    it.each([
      ["a phone number", { phone: "+14155550123" }],
      ["nbf, which we never issue", { nbf: NOW_SECONDS }],
      ["a sub that is not a user id", { sub: "admin" }],
      ["a tid that is not a tenant id", { tid: newId("usr") }],
      ["an upper-case role", { roles: ["Admin"] }],
      ["a role with a comma, which would split the gate's role header", { roles: ["user,admin"] }],
      ["a fractional iat", { iat: NOW_SECONDS + 0.5 }],
      ["a string exp", { exp: String(NOW_SECONDS + 900) }],
    ])("rejects a signed token carrying %s", async (_, extra) => {
      const token = await forge(OUR_HEADER, { ...claims(), ...extra });
      expect(await verifyAccessToken(token, ourKeys, ISSUER, NOW_SECONDS)).toEqual({ ok: false, error: "claims" });
    });
  });
});

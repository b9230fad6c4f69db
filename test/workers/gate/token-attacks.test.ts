/**
 * Every way of getting a token past the gate that we know of, each named after
 * the attack. A forged token is signed with the issuer's real key where the
 * attack needs a valid signature, so only the rule under test can stop it.
 */
import { env } from "cloudflare:workers";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { inject } from "vitest";
import { decodeBase64Url, encodeBase64Url } from "../../../shared/crypto/base64url";
import { MAX_ACCESS_TOKEN_TTL_SECONDS } from "../../../shared/domain/access-token-claims";
import { MAX_AUTHORIZATION_BYTES } from "../../../workers/gate/validation/bearer-header";
import { GATE_CLOCK_SKEW_SECONDS } from "../../../workers/gate/validation/token-validator";
import { createTenant, decodePayload, encodeJson, isolatedGate, issuerSigningKey, signEs256, signHs256, signIn, signRs256, type OriginEcho } from "./support/gate-stack";

let key: Awaited<ReturnType<typeof issuerSigningKey>>;
let claims: Record<string, unknown>;
let validToken: string;
let session: Awaited<ReturnType<typeof signIn>>;
const header = () => ({ alg: "ES256", kid: key.kid, typ: "at+jwt" });

beforeAll(async () => {
  session = await signIn(await createTenant());
  validToken = session.token;
  claims = decodePayload(session.token);
  key = await issuerSigningKey();
});

async function callWith(token: string, gate = isolatedGate()): Promise<Response> {
  return gate.request("/api/things", { headers: { Authorization: `Bearer ${token}` } });
}

async function expectRefused(response: Response): Promise<void> {
  const text = await response.text();
  expect(response.status, text).toBe(401);
  expect(response.headers.get("WWW-Authenticate")).toMatch(/^Bearer realm="portcullis", error="invalid_token", error_description="[^"]*"$/);
  expect(JSON.parse(text)).toMatchObject({ error: { code: "invalid_token" } });
}

describe("the control: a forged token with every rule satisfied passes", () => {
  it("is forwarded, so each refusal below is caused by its one change", async () => {
    const response = await callWith(await signEs256(key.privateKey, header(), claims));
    expect(response.status).toBe(200);
    expect((await response.json<OriginEcho>()).headers["x-user-id"]).toBe(claims.sub);
    expect((await callWith(validToken)).status).toBe(200);
  });
});

describe("algorithm confusion", () => {
  it.each(["none", "None", "NONE", "nOnE"])("alg %s with an empty signature is refused", async (alg) => {
    const token = `${encodeJson({ ...header(), alg })}.${encodeJson(claims)}.`;
    await expectRefused(await callWith(token));
    await expectRefused(await callWith(`${token}AA`));
  });

  it("a token signed with the issuer's own published RS256 id_token key is refused (id_token key confusion)", async () => {
    const rsa = await issuerSigningKey("RS256");
    await expectRefused(await callWith(await signRs256(rsa.privateKey, { alg: "RS256", kid: rsa.kid, typ: "at+jwt" }, claims)));
    // Claiming ES256 over the RSA key's kid does not help either: the gate never imports that key.
    await expectRefused(await callWith(await signEs256(key.privateKey, { ...header(), kid: rsa.kid }, claims)));
  });

  it("HS256 signed with the public key as PEM is refused", async () => {
    const spki = (await crypto.subtle.exportKey("spki", await crypto.subtle.importKey("jwk", { kty: "EC", crv: "P-256", x: key.publicJwk.x, y: key.publicJwk.y }, { name: "ECDSA", namedCurve: "P-256" }, true, ["verify"]))) as ArrayBuffer;
    const base64 = btoa(String.fromCharCode(...new Uint8Array(spki)));
    const pem = `-----BEGIN PUBLIC KEY-----\n${base64.match(/.{1,64}/g)?.join("\n") ?? ""}\n-----END PUBLIC KEY-----\n`;
    await expectRefused(await callWith(await signHs256(new TextEncoder().encode(pem), { ...header(), alg: "HS256" }, claims)));
  });

  it("HS256 signed with the public key as JWK JSON is refused", async () => {
    await expectRefused(await callWith(await signHs256(new TextEncoder().encode(JSON.stringify(key.publicJwk)), { ...header(), alg: "HS256" }, claims)));
  });

  it("HS256 signed with the public key's raw bytes is refused", async () => {
    const raw = (await crypto.subtle.exportKey("raw", await crypto.subtle.importKey("jwk", { kty: "EC", crv: "P-256", x: key.publicJwk.x, y: key.publicJwk.y }, { name: "ECDSA", namedCurve: "P-256" }, true, ["verify"]))) as ArrayBuffer;
    await expectRefused(await callWith(await signHs256(new Uint8Array(raw), { ...header(), alg: "HS256" }, claims)));
  });

  it("an algorithm the gate was not configured for is refused even with a good ES256 signature", async () => {
    await expectRefused(await callWith(await signEs256(key.privateKey, header(), claims), isolatedGate({ GATE_ALGORITHMS: "ES384" })));
  });
});

describe("keys taken from the token", () => {
  it("an embedded jwk (the attacker's own key) is refused", async () => {
    const attacker = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"])) as CryptoKeyPair;
    const jwk = await crypto.subtle.exportKey("jwk", attacker.publicKey);
    await expectRefused(await callWith(await signEs256(attacker.privateKey, { ...header(), jwk }, claims)));
    // Even signed by the real key, a token carrying key material is refused.
    await expectRefused(await callWith(await signEs256(key.privateKey, { ...header(), jwk }, claims)));
  });

  it.each(["jku", "x5u"])("%s pointing at a canary server is refused and the canary receives nothing", async (param) => {
    const canary = inject("canaryUrl");
    const before = await canaryCount(canary);
    await expectRefused(await callWith(await signEs256(key.privateKey, { ...header(), [param]: `${canary}/keys.json` }, claims)));
    expect(await canaryCount(canary)).toBe(before);
  });

  it("x5c is refused", async () => {
    await expectRefused(await callWith(await signEs256(key.privateKey, { ...header(), x5c: ["MIIB"] }, claims)));
  });
});

/** ASN.1 DER `SEQUENCE { INTEGER r, INTEGER s }` of a raw r‖s ECDSA signature. */
function derSignature(raw: Uint8Array): Uint8Array<ArrayBuffer> {
  const integer = (bytes: Uint8Array): number[] => {
    let start = 0;
    while (start < bytes.length - 1 && bytes[start] === 0) start += 1;
    const body = [...bytes.subarray(start)];
    if ((body[0] ?? 0) & 0x80) body.unshift(0);
    return [0x02, body.length, ...body];
  };
  const half = raw.length / 2;
  const content = [...integer(raw.subarray(0, half)), ...integer(raw.subarray(half))];
  return new Uint8Array([0x30, content.length, ...content]);
}

async function canaryCount(canary: string): Promise<number> {
  return ((await (await fetch(`${canary}/__count`)).json<{ count: number }>())).count;
}

describe("kid tricks", () => {
  it("a flood of unknown kids costs at most one KV read and one issuer fetch per cooldown", async () => {
    const gate = isolatedGate();
    await callWith(validToken, gate);
    const before = { ...gate.deps.jwks.counters };
    for (let index = 0; index < 50; index += 1) {
      const kid = `key_${encodeBase64Url(crypto.getRandomValues(new Uint8Array(16))).toLowerCase().replace(/[^a-z0-9]/g, "a").slice(0, 26).padEnd(26, "a")}`;
      await expectRefused(await callWith(await signEs256(key.privateKey, { ...header(), kid }, claims), gate));
    }
    expect(gate.deps.jwks.counters.kvReads - before.kvReads).toBeLessThanOrEqual(1);
    expect(gate.deps.jwks.counters.issuerFetches - before.issuerFetches).toBeLessThanOrEqual(1);
    // The real key still works after the flood.
    expect((await callWith(validToken, gate)).status).toBe(200);
  });

  it.each(["../../etc/passwd", "key_../../jwks", "/dev/null", "key_%2e%2e", "", 42, null])("kid %j is refused before any lookup", async (kid) => {
    const gate = isolatedGate();
    await callWith(validToken, gate);
    const before = { ...gate.deps.jwks.counters };
    await expectRefused(await callWith(await signEs256(key.privateKey, { ...header(), kid }, claims), gate));
    expect(gate.deps.jwks.counters).toEqual(before);
  });
});

describe("header parameters", () => {
  it("crit is refused", async () => {
    await expectRefused(await callWith(await signEs256(key.privateKey, { ...header(), crit: ["exp"] }, claims)));
  });

  it("b64: false is refused", async () => {
    await expectRefused(await callWith(await signEs256(key.privateKey, { ...header(), b64: false, crit: ["b64"] }, claims)));
    await expectRefused(await callWith(await signEs256(key.privateKey, { ...header(), b64: false }, claims)));
  });

  it.each([undefined, "JWT", "jwt", "at+JWT+x", ""])("typ %j is refused", async (typ) => {
    const rest: Record<string, unknown> = header();
    delete rest.typ;
    await expectRefused(await callWith(await signEs256(key.privateKey, typ === undefined ? rest : { ...rest, typ }, claims)));
  });

  it("accepts typ in its media-type spelling", async () => {
    expect((await callWith(await signEs256(key.privateKey, { ...header(), typ: "application/at+jwt" }, claims))).status).toBe(200);
  });

  it("duplicate keys in the header are refused", async () => {
    const rawHeader = `{"alg":"ES256","kid":"${key.kid}","typ":"at+jwt","alg":"none"}`;
    await expectRefused(await callWith(await signEs256(key.privateKey, rawHeader, claims)));
  });

  it("duplicate keys in the payload are refused", async () => {
    const rawPayload = JSON.stringify(claims).replace(/^\{/, `{"sub":"usr_00000000000000000000000000",`);
    await expectRefused(await callWith(await signEs256(key.privateKey, header(), rawPayload)));
  });
});

describe("signatures", () => {
  it("the ECDSA r = s = 0 signature (psychic signature) is refused", async () => {
    const token = `${encodeJson(header())}.${encodeJson(claims)}.${encodeBase64Url(new Uint8Array(64))}`;
    await expectRefused(await callWith(token));
  });

  it("a signature over other claims is refused", async () => {
    const [encodedHeader, , signature] = validToken.split(".");
    const elevated = encodeJson({ ...claims, roles: ["admin"] });
    await expectRefused(await callWith(`${encodedHeader ?? ""}.${elevated}.${signature ?? ""}`));
  });

  it("a truncated signature is refused", async () => {
    const [encodedHeader, encodedPayload, signature] = validToken.split(".");
    await expectRefused(await callWith(`${encodedHeader ?? ""}.${encodedPayload ?? ""}.${(signature ?? "").slice(0, 40)}`));
  });

  it("a DER-encoded ECDSA signature of the same token (what a lenient verifier might accept) is refused", async () => {
    const token = await signEs256(key.privateKey, header(), claims);
    const [encodedHeader, encodedPayload, signature] = token.split(".");
    const der = derSignature(decodeBase64Url(signature ?? "") ?? new Uint8Array());
    // The DER form really is the same signature: WebCrypto's raw r‖s and the DER SEQUENCE carry one (r, s).
    expect(der[0]).toBe(0x30);
    expect(der.length).toBeGreaterThan(64);
    await expectRefused(await callWith(`${encodedHeader ?? ""}.${encodedPayload ?? ""}.${encodeBase64Url(der)}`));
    // The control: the raw form of that very signature passes.
    expect((await callWith(token)).status).toBe(200);
  });
});

describe("claims", () => {
  const now = () => Math.floor(Date.now() / 1000);

  it(`a correctly signed token living longer than any tenant can configure (${MAX_ACCESS_TOKEN_TTL_SECONDS} s) is refused`, async () => {
    const tooLong = { ...claims, iat: now(), exp: now() + MAX_ACCESS_TOKEN_TTL_SECONDS + 1 };
    await expectRefused(await callWith(await signEs256(key.privateKey, header(), tooLong)));
    const longest = { ...claims, iat: now(), exp: now() + MAX_ACCESS_TOKEN_TTL_SECONDS };
    expect((await callWith(await signEs256(key.privateKey, header(), longest))).status).toBe(200);
  });

  it("a wrong iss is refused", async () => {
    await expectRefused(await callWith(await signEs256(key.privateKey, header(), { ...claims, iss: "https://evil.example" })));
  });

  it("a wrong aud is refused", async () => {
    await expectRefused(await callWith(await signEs256(key.privateKey, header(), { ...claims, aud: "another-app" })));
  });

  it("a tenant the gate does not serve is refused", async () => {
    await expectRefused(await callWith(await signEs256(key.privateKey, header(), claims), isolatedGate({ GATE_TENANTS: "tn_00000000000000000000000000" })));
  });

  it(`a token expired more than the skew (${GATE_CLOCK_SKEW_SECONDS} s) ago is refused; within the skew it passes`, async () => {
    const expired = { ...claims, iat: now() - 1000, exp: now() - GATE_CLOCK_SKEW_SECONDS - 5 };
    await expectRefused(await callWith(await signEs256(key.privateKey, header(), expired)));
    const justExpired = { ...claims, iat: now() - 1000, exp: now() - GATE_CLOCK_SKEW_SECONDS + 10 };
    expect((await callWith(await signEs256(key.privateKey, header(), justExpired))).status).toBe(200);
  });

  it("a token issued in the future beyond the skew is refused", async () => {
    const future = { ...claims, iat: now() + GATE_CLOCK_SKEW_SECONDS + 60, exp: now() + 900 };
    await expectRefused(await callWith(await signEs256(key.privateKey, header(), future)));
  });

  it("nbf and other claims we never issue are refused", async () => {
    await expectRefused(await callWith(await signEs256(key.privateKey, header(), { ...claims, nbf: now() + 3600 })));
    await expectRefused(await callWith(await signEs256(key.privateKey, header(), { ...claims, admin: true })));
  });

  it("a role name that could split the roles header is refused", async () => {
    await expectRefused(await callWith(await signEs256(key.privateKey, header(), { ...claims, roles: ["user,admin"] })));
  });
});

describe("not a compact JWS access token", () => {
  it("a refresh token in the header is refused", async () => {
    const session = await signIn(await createTenant());
    await expectRefused(await callWith(session.refresh_token));
  });

  it.each(["garbage", "a.b", "a.b.c.d", "...", "eyJ.eyJ.", "Basic dXNlcjpwYXNz", "é.é.é"])("%j is refused", async (token) => {
    await expectRefused(await callWith(token));
  });

  it("the JWS JSON serialization is refused", async () => {
    const [protectedHeader, payload, signature] = validToken.split(".");
    await expectRefused(await callWith(JSON.stringify({ payload, signatures: [{ protected: protectedHeader, signature }] })));
    await expectRefused(await callWith(JSON.stringify({ payload, protected: protectedHeader, signature })));
  });

  it("a scheme other than Bearer is refused", async () => {
    const response = await isolatedGate().request("/api/things", { headers: { Authorization: `Token ${validToken}` } });
    await expectRefused(response);
  });

  it(`an Authorization header over ${MAX_AUTHORIZATION_BYTES} bytes is refused`, async () => {
    await expectRefused(await callWith(`${validToken}${"A".repeat(MAX_AUTHORIZATION_BYTES)}`));
  });
});

/**
 * 16 characters from the end of a token's payload (where its own `jti`, `iat` and `exp` are; every
 * payload starts alike) and from the start of its signature: a log holding any copy of the token holds them.
 */
function tokenFragments(name: string, token: string): Record<string, string> {
  const [, payload = "", signature = ""] = token.split(".");
  return { [`${name}'s payload`]: payload.slice(-16), [`${name}'s signature`]: signature.slice(0, 16) };
}

describe("what responses and logs never contain", () => {
  it("no token, claim or key value is echoed back", async () => {
    const forged = await signEs256(key.privateKey, header(), { ...claims, aud: "echo-me-if-you-dare" });
    const response = await callWith(forged);
    const text = `${await response.text()} ${[...response.headers].map(([name, value]) => `${name}: ${value}`).join("\n")}`;
    expect(text).not.toContain(forged.slice(0, 40));
    expect(text).not.toContain("echo-me-if-you-dare");
    expect(text).not.toContain(key.kid);
    expect(text).not.toContain(String(claims.sub));
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("the gate's log lines say why a token was refused or the origin failed, never a token, claim, phone number or secret", async () => {
    const lines: string[] = [];
    for (const method of ["debug", "info", "log", "warn", "error"] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        lines.push(args.map((arg) => (typeof arg === "string" ? arg : JSON.stringify(arg))).join(" "));
      });
    }
    const gate = isolatedGate({ LOG_LEVEL: "debug" });
    const forged = await signEs256(key.privateKey, header(), { ...claims, aud: "echo-me-if-you-dare" });
    const expired = await signEs256(key.privateKey, header(), { ...claims, exp: Math.floor(Date.now() / 1000) - 3600 });
    const [head = "", payload = ""] = validToken.split(".");
    const badSignature = `${head}.${payload}.${"A".repeat(86)}`;
    for (const token of [forged, expired, badSignature]) await expectRefused(await callWith(token, gate));
    expect((await callWith(validToken, gate)).status).toBe(200);
    // An origin that refuses connections: the gate logs the failure and answers 502.
    expect((await callWith(validToken, isolatedGate({ LOG_LEVEL: "debug", ORIGIN_URL: "http://127.0.0.1:9" }))).status).toBe(502);

    // The capture works: each refusal and the origin failure were logged and read here.
    const events = lines.map((line) => (JSON.parse(line) as { event?: string }).event);
    expect(events.filter((event) => event === "token_rejected")).toHaveLength(3);
    expect(events).toContain("origin_unreachable");

    const log = lines.join("\n");
    // A token's header only names the key; its payload and signature are what must not leak, even in part.
    const secrets: Record<string, string> = {
      ...tokenFragments("valid token", validToken),
      ...tokenFragments("forged token", forged),
      ...tokenFragments("expired token", expired),
      "refresh token": session.refresh_token.slice(0, 16),
      "forged audience": "echo-me-if-you-dare",
      "user id": String(claims.sub),
      "session id": String(claims.sid),
      phone: session.phone,
      GATE_SIGNING_SECRET: env.GATE_SIGNING_SECRET,
      UPSTASH_REDIS_REST_TOKEN: env.UPSTASH_REDIS_REST_TOKEN,
    };
    for (const [name, value] of Object.entries(secrets)) {
      expect(value.length, `${name} is long enough to search for`).toBeGreaterThanOrEqual(8);
      expect(log, `the gate's logs contain the ${name}`).not.toContain(value);
    }
  });
});

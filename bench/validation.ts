/**
 * The gate's token check in-process, against the work it cannot avoid: one
 * ECDSA P-256 verification of the same token. Prints operations per second and
 * ratios measured in the same run; asserts nothing.
 */
import { encodeBase64Url } from "../shared/crypto/base64url";
import type { JwksDocument } from "../shared/ports/jwks-publisher";
import { JwksCache } from "../workers/gate/validation/jwks-cache";
import { TokenValidator } from "../workers/gate/validation/token-validator";
import { VerifiedTokenCache } from "../workers/gate/validation/verified-token-cache";

const ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? 2000);
const KID = "key_0123456789abcdefghjkmnpqrs";
const ISSUER = "https://issuer.example";
const encoder = new TextEncoder();

async function main(): Promise<void> {
  const pair = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"]);
  const publicJwk = await crypto.subtle.exportKey("jwk", pair.publicKey);
  const jwks: JwksDocument = { keys: [{ kty: "EC", crv: "P-256", x: publicJwk.x ?? "", y: publicJwk.y ?? "", kid: KID, alg: "ES256", use: "sig" }] };
  const source = { read: () => Promise.resolve(jwks) };
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    iss: ISSUER,
    aud: "portcullis",
    sub: "usr_0123456789abcdefghjkmnpqrs",
    tid: "tn_0123456789abcdefghjkmnpqrs",
    sid: "ses_0123456789abcdefghjkmnpqrs",
    roles: ["user"],
    jti: "0123456789abcdefghjkmnpqrs",
    iat: now,
    exp: now + 900,
  };
  const signingInput = `${encode({ alg: "ES256", kid: KID, typ: "at+jwt" })}.${encode(claims)}`;
  const signature = new Uint8Array(await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, pair.privateKey, encoder.encode(signingInput)));
  const token = `${signingInput}.${encodeBase64Url(signature)}`;
  const header = `Bearer ${token}`;
  const config = { issuer: ISSUER, audiences: new Set(["portcullis"]), tenants: "any" as const, algorithms: new Set(["ES256"]) };
  const jwksCache = new JwksCache({ kv: source, issuer: source });
  const background = (work: Promise<unknown>) => void work;

  const cached = new TokenValidator(config, jwksCache, new VerifiedTokenCache());
  const signingBytes = encoder.encode(signingInput);

  const results = {
    "ECDSA verify only (baseline)": await measure(() => crypto.subtle.verify({ name: "ECDSA", hash: "SHA-256" }, pair.publicKey, signature, signingBytes)),
    // A fresh verified-token cache per call: every call parses, looks up the key and verifies.
    "gate check, signature verified": await measure(() => new TokenValidator(config, jwksCache, new VerifiedTokenCache()).authenticate(header, Date.now(), background)),
    "gate check, token seen before": await measure(() => cached.authenticate(header, Date.now(), background)),
  };
  const baseline = results["ECDSA verify only (baseline)"];
  console.log(`\nin-process, ${ROUND_MS / 1000} s per scenario; baseline = one ECDSA P-256 verification of the same token\n`);
  console.log("scenario                          ops/s      vs baseline");
  for (const [name, perSecond] of Object.entries(results)) console.log(`${name.padEnd(32)} ${perSecond.toFixed(0).padStart(8)} ${(perSecond / baseline).toFixed(2).padStart(12)}x`);
}

function encode(value: unknown): string {
  return encodeBase64Url(encoder.encode(JSON.stringify(value)));
}

/** Operations per second of `operation`, after a warm-up. */
async function measure(operation: () => Promise<unknown>): Promise<number> {
  for (let index = 0; index < 200; index += 1) await operation();
  let calls = 0;
  const started = performance.now();
  while (performance.now() - started < ROUND_MS) {
    await operation();
    calls += 1;
  }
  return calls / ((performance.now() - started) / 1000);
}

main().catch((error: unknown) => {
  console.error("[bench] failed:", error instanceof Error ? error.message : error);
  process.exit(1);
});

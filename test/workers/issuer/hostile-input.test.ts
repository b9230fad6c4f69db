/**
 * Property-based hostile input against every route of the issuer that reads a body,
 * a query string or a path id: wrong types, huge and unicode strings, deep nesting,
 * prototype keys, duplicate keys, wrong media types, broken encodings. Each request
 * must get exactly the contract's 4xx error, in the contract's shape, with nothing
 * internal in it, and nothing may be written anywhere (database, revocation list, SMS).
 *
 * Runs are random; a failure prints the seed and path. Reproduce with
 * `FC_SEED=<seed> FC_PATH=<path>`; `FC_RUNS_SCALE=2` doubles every run count.
 */
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { encodeCursor } from "../../../shared/domain/page-cursor";
import { AUDIT_EVENT_TYPES } from "../../../shared/domain/audit-event-types";
import { newId } from "../../../shared/crypto/ids";
import { twilioSignature, type TwilioParam } from "../../../shared/crypto/twilio-signature";
import { createIssuerApp } from "../../../workers/issuer/app";
import { adminFetch, createTenant, decodeJwtPart, freshIp, freshPhone, ISSUER, issuerFetch, signIn, type TenantCredentials } from "./support/issuer-client";
import {
  hostileBodyForBodyless,
  hostileForm,
  hostileJsonBody,
  hostileQuery,
  poisonText,
  rawQueryJunk,
  tooLong,
  unicodeText,
  wrongType,
  type BodySpec,
  type ExpectedError,
  type HostileBody,
  type HostileForm,
  type HostileQuery,
  type Json,
  type QuerySpec,
} from "./support/hostile-input";
import { snapshotState } from "./support/state-snapshot";
import { requestedEmail } from "./support/email-client";
import { freshEmail } from "./support/email-sandbox";
import { linkTokenHash } from "../../../shared/crypto/link-token";
import { issuerDeps } from "../../../workers/issuer/deps";

// ---------------------------------------------------------------------------
// The routes, each with what it reads. A route the app registers that is not
// listed here fails the first test, so new input is never left untested.

type RouteInput = "json" | "bodyless" | "query" | "form" | "path id" | "none" | "page query" | "page form" | "oauth form";

const ROUTES: Readonly<Record<string, RouteInput>> = {
  "GET /health": "none",
  "GET /.well-known/jwks.json": "none",
  "GET /.well-known/openid-configuration": "none",
  "GET /openapi.json": "none",
  "POST /api/admin/tenants": "json",
  "GET /api/admin/tenants/:id": "path id",
  "PATCH /api/admin/tenants/:id": "json",
  "POST /api/admin/tenants/:id/keys": "bodyless",
  "DELETE /api/admin/tenants/:id/keys/:keyId": "bodyless",
  "GET /api/admin/tenants/:id/sms-stats": "query",
  "GET /api/admin/users": "query",
  "GET /api/admin/users/:id": "path id",
  "PATCH /api/admin/users/:id": "json",
  "DELETE /api/admin/users/:id": "bodyless",
  "POST /api/admin/users/:id/revoke-sessions": "bodyless",
  "GET /api/admin/audit": "query",
  "POST /api/admin/keys/rotate": "bodyless",
  "POST /api/admin/keys/:kid/withdraw": "bodyless",
  "POST /api/auth/request": "json",
  "POST /api/auth/verify": "json",
  "POST /api/auth/refresh": "json",
  "POST /api/auth/logout": "bodyless",
  "POST /api/auth/logout-all": "bodyless",
  "GET /api/auth/me": "none",
  "PATCH /api/auth/me": "json",
  "GET /api/auth/sessions": "none",
  "DELETE /api/auth/sessions/:id": "bodyless",
  "POST /api/auth/introspect": "json",
  "POST /api/webhooks/twilio/status": "form",
  "POST /api/auth/email/request": "json",
  "POST /api/auth/email/verify": "json",
  "GET /auth/link": "page query",
  "POST /auth/link": "page form",
  "GET /login": "page query",
  "POST /login": "page form",
  "GET /signup": "page query",
  "POST /signup": "page form",
  "POST /login/connection/:id": "page form",
  "GET /oauth2/callback/:id": "page query",
  "POST /oauth2/callback/:id": "page form",
  "GET /oauth2/authorize": "page query",
  "GET /oauth2/logout": "page query",
  "GET /consent": "page query",
  "POST /consent": "page form",
  "GET /reset-password": "page query",
  "POST /reset-password": "page form",
  "GET /verify-email": "page query",
  "POST /verify-email": "page form",
  "POST /api/auth/signup": "json",
  "POST /api/auth/login": "json",
  "POST /api/auth/password/forgot": "json",
  "POST /api/auth/password/reset": "json",
  "POST /api/auth/password": "json",
  "POST /api/auth/mfa/verify": "json",
  "POST /api/auth/mfa/passkey/options": "json",
  "POST /api/auth/mfa/totp": "bodyless",
  "DELETE /api/auth/mfa/totp": "bodyless",
  "POST /api/auth/mfa/totp/confirm": "json",
  "POST /api/auth/mfa/recovery-codes": "bodyless",
  "POST /api/auth/passkeys/register/options": "bodyless",
  "POST /api/auth/passkeys/register": "json",
  "GET /api/auth/passkeys": "none",
  "POST /api/auth/passkeys/login/options": "bodyless",
  "POST /api/auth/passkeys/login": "json",
  "DELETE /api/auth/passkeys/:id": "bodyless",
  "POST /api/admin/tenants/:id/clients": "json",
  "GET /api/admin/tenants/:id/clients": "path id",
  "GET /api/admin/tenants/:id/clients/:clientId": "path id",
  "PATCH /api/admin/tenants/:id/clients/:clientId": "json",
  "DELETE /api/admin/tenants/:id/clients/:clientId": "bodyless",
  "POST /api/admin/tenants/:id/connections": "json",
  "GET /api/admin/tenants/:id/connections": "path id",
  "GET /api/admin/tenants/:id/connections/:connectionId": "path id",
  "PATCH /api/admin/tenants/:id/connections/:connectionId": "json",
  "DELETE /api/admin/tenants/:id/connections/:connectionId": "bodyless",
  "POST /api/admin/tenants/:id/webhooks": "json",
  "GET /api/admin/tenants/:id/webhooks": "path id",
  "GET /api/admin/tenants/:id/webhooks/:webhookId": "path id",
  "PATCH /api/admin/tenants/:id/webhooks/:webhookId": "json",
  "DELETE /api/admin/tenants/:id/webhooks/:webhookId": "bodyless",
  "GET /api/admin/tenants/:id/webhooks/:webhookId/deliveries": "query",
  "POST /api/admin/tenants/:id/webhooks/:webhookId/deliveries/:deliveryId/retry": "bodyless",
  "GET /account": "page query",
  "POST /account/profile": "page form",
  "POST /account/email": "page form",
  "POST /account/phone/request": "page form",
  "POST /account/phone/verify": "page form",
  "POST /account/password": "page form",
  "POST /account/totp/start": "page form",
  "POST /account/totp/confirm": "page form",
  "POST /account/totp/remove": "page form",
  "POST /account/recovery-codes": "page form",
  "POST /account/passkeys/options": "page form",
  "POST /account/passkeys/register": "page form",
  "POST /account/passkeys/remove": "page form",
  "POST /account/sessions/revoke": "page form",
  "POST /account/sessions/revoke-all": "page form",
  "POST /account/delete": "page form",
  "POST /account/identities/link": "page form",
  "POST /account/identities/unlink": "page form",
  "POST /oauth2/token": "oauth form",
  "POST /oauth2/revoke": "oauth form",
  // Read only the Authorization header; the hostile tokens are in oauth-token.test.ts.
  "GET /oauth2/userinfo": "none",
  "POST /oauth2/userinfo": "none",
  "GET /console": "page query",
  "GET /console/login": "page query",
  "POST /console/login": "page form",
  "POST /console/logout": "page form",
  "GET /console/tenants": "page query",
  "GET /console/tenants/:id": "page query",
  "POST /console/tenants/:id/name": "page form",
  "POST /console/tenants/:id/keys": "page form",
  "GET /console/tenants/:id/keys/:keyId/delete": "page query",
  "POST /console/tenants/:id/keys/:keyId/delete": "page form",
  "GET /console/tenants/:id/webhooks/:webhookId": "page query",
  "GET /console/users": "page query",
  "GET /console/users/:id": "page query",
  "POST /console/users/:id/disable": "page form",
  "POST /console/users/:id/enable": "page form",
  "POST /console/users/:id/revoke-sessions": "page form",
  "GET /console/users/:id/delete": "page query",
  "POST /console/users/:id/delete": "page form",
  "GET /console/audit": "page query",
};

// ---------------------------------------------------------------------------
// Run settings

/** Each property sends a few hundred requests, and shrinking a failure sends more. */
const PROPERTY_TIMEOUT_MS = 180_000;

const settings = inject("propertyRuns");

function runs(numRuns: number): fc.Parameters<unknown> {
  return {
    numRuns: Math.max(1, Math.round(numRuns * settings.scale)),
    ...(settings.seed === null ? {} : { seed: settings.seed }),
    ...(settings.path === null ? {} : { path: settings.path }),
  };
}

// ---------------------------------------------------------------------------
// The state every property starts from

interface Fixture {
  readonly tenant: TenantCredentials;
  readonly spareKeyId: string;
  /** Signed in; its token serves /me and the logouts, its id the user routes. */
  readonly user: { readonly id: string; readonly phone: string; readonly token: string; readonly refreshToken: string };
  /** A second user, the target of the destructive routes. */
  readonly victimId: string;
  /** Both users' sessions, whose revocation entries must not appear. */
  readonly sessionIds: readonly string[];
  /** The victim's session, and a session of another tenant's user: neither may be signed out by the fixture's user. */
  readonly victimSessionId: string;
  readonly foreignSessionId: string;
  /** A confidential OAuth client of the tenant, and its secret. */
  readonly client: { readonly id: string; readonly secret: string };
  /** An OpenID Connect connection of the tenant. */
  readonly connectionId: string;
  /** A webhook endpoint of the tenant. */
  readonly webhookId: string;
}

let fixture: Fixture;

beforeAll(async () => {
  const tenant = await createTenant();
  const user = await signIn(tenant);
  const victim = await signIn(tenant);
  const foreign = await signIn(await createTenant());
  const keys = await adminFetch(`/api/admin/tenants/${tenant.tenant_id}/keys`, { method: "POST" });
  expect(keys.status).toBe(201);
  const registered = await adminFetch(`/api/admin/tenants/${tenant.tenant_id}/clients`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ name: "Web", type: "confidential", redirect_uris: ["https://app.example/cb"] }),
  });
  expect(registered.status).toBe(201);
  const client = await registered.json<{ client_id: string; client_secret: string }>();
  const connected = await adminFetch(`/api/admin/tenants/${tenant.tenant_id}/connections`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ provider: "oidc", issuer: "https://id.example", client_id: "portcullis", client_secret: "upstream-secret" }),
  });
  expect(connected.status).toBe(201);
  const hooked = await adminFetch(`/api/admin/tenants/${tenant.tenant_id}/webhooks`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ url: "https://hooks.example.com/portcullis", events: ["user.deleted"] }),
  });
  expect(hooked.status).toBe(201);
  fixture = {
    webhookId: (await hooked.json<{ webhook_id: string }>()).webhook_id,
    connectionId: (await connected.json<{ connection_id: string }>()).connection_id,
    client: { id: client.client_id, secret: client.client_secret },
    tenant,
    spareKeyId: (await keys.json<{ key_id: string }>()).key_id,
    user: { id: user.user_id, phone: user.phone, token: user.token, refreshToken: user.refresh_token },
    victimId: victim.user_id,
    sessionIds: [user.token, victim.token, foreign.token].map((token) => String(decodeJwtPart(token, 1).sid)),
    victimSessionId: String(decodeJwtPart(victim.token, 1).sid),
    foreignSessionId: String(decodeJwtPart(foreign.token, 1).sid),
  };
});

/** A live sign-in link of the fixture's tenant (which has no return address for links), as mailed. */
async function liveSignInLink(): Promise<string> {
  return (await requestedEmail(fixture.tenant, freshEmail())).token;
}

async function linkIsLive(token: string): Promise<boolean> {
  return (await issuerDeps(env).emailTokens.find(await linkTokenHash(token), new Date())) !== null;
}

// ---------------------------------------------------------------------------
// Sending and checking

/**
 * A client address for the next request under /api/auth/*: a new one every 50
 * requests, well inside RATE_LIMIT_MAX, so the per-IP limit never answers instead
 * of validation (and each address's limiter object is reused, not created per request).
 */
let ipUses = 0;
let currentIp = freshIp();
/** Every address clientIp() has handed out: their rate limiters count these requests, as they must. */
const clientIps: string[] = [currentIp];
function clientIp(): string {
  if (++ipUses % 50 === 0) {
    currentIp = freshIp();
    clientIps.push(currentIp);
  }
  return currentIp;
}

const NOT_FOUND: ExpectedError = { status: 404, codes: ["not_found"] };

const CONTRACT_CODES = new Set(["unsupported_media_type", "invalid_json", "payload_too_large", "invalid_request", "invalid_phone", "invalid_signature", "not_found", "invalid_email", "weak_password"]);
const ERROR_EXTRAS = new Set(["field", "reason"]);
/** What must never reach a client: stack frames, SQL, driver or host names, source paths. */
const INTERNALS = /\bat \S+ \(|\n\s+at |stack|Error:|syntax error|select |insert |update |delete from|postgres|neon|drizzle|zod|127\.0\.0\.1|localhost|node_modules|\.ts:\d+|\.js:\d+/i;

function bytesOf(body: string | Uint8Array): Uint8Array {
  return typeof body === "string" ? new TextEncoder().encode(body) : body;
}

function requestBody(body: string | Uint8Array, streamed: boolean): BodyInit {
  const bytes = bytesOf(body);
  if (!streamed) return bytes;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      // Several chunks, so the cap has to be counted across reads.
      for (let offset = 0; offset < bytes.length; offset += 8192) controller.enqueue(bytes.slice(offset, offset + 8192));
      controller.close();
    },
  });
}

function sendBody(method: string, path: string, hostile: Pick<HostileBody, "body" | "contentType" | "streamed">, headers: Record<string, string>): Promise<Response> {
  const all = new Headers(headers);
  if (hostile.contentType !== null) all.set("Content-Type", hostile.contentType);
  return issuerFetch(path, { method, headers: all, body: requestBody(hostile.body, hostile.streamed) });
}

async function expectContractError(response: Response, expected: ExpectedError, kind: string): Promise<void> {
  const text = await response.text();
  const context = `${kind} → ${response.status} ${text.slice(0, 300)}`;
  expect(response.status, context).toBe(expected.status);
  expect(response.headers.get("Content-Type"), context).toMatch(/^application\/json/);
  expect(response.headers.get("X-Request-Id"), context).toMatch(/^req_/);
  const body = JSON.parse(text) as { error?: Record<string, unknown> };
  expect(Object.keys(body), context).toEqual(["error"]);
  const error = body.error ?? {};
  expect(expected.codes, context).toContain(error.code);
  expect(CONTRACT_CODES.has(String(error.code)), context).toBe(true);
  expect(error.message, context).toEqual(expect.any(String));
  for (const key of Object.keys(error)) if (key !== "code" && key !== "message") expect(ERROR_EXTRAS.has(key), context).toBe(true);
  if (error.code === "invalid_request") expect(error.field, context).toEqual(expect.any(String));
  // The answer never echoes a huge input back, and never shows internals.
  expect(text.length, context).toBeLessThan(1024);
  expect(text, context).not.toMatch(INTERNALS);
}

/** The link page's refusals: HTML in the page's headers, a 4xx, no form, nothing internal. */
async function expectRefusalPage(response: Response, statuses: readonly number[], kind: string): Promise<void> {
  const text = await response.text();
  const context = `${kind} → ${response.status} ${text.slice(0, 300)}`;
  expect(statuses, context).toContain(response.status);
  expect(response.headers.get("Content-Type"), context).toBe("text/html; charset=utf-8");
  expect(response.headers.get("Content-Security-Policy"), context).toMatch(/^default-src 'none';/);
  expect(response.headers.get("Cache-Control"), context).toBe("no-store");
  expect(text, context).not.toContain("<form");
  expect(text.length, context).toBeLessThan(4096);
  expect(text, context).not.toMatch(INTERNALS);
}

/** Runs a property and proves it wrote nothing: the state before equals the state after. */
async function assertNothingWritten(property: () => Promise<void>): Promise<void> {
  const watched = { sessionIds: fixture.sessionIds, userIds: [fixture.user.id, fixture.victimId], countedClientIps: clientIps };
  const before = await snapshotState(watched);
  await property();
  expect(await snapshotState(watched)).toEqual(before);
}

// ---------------------------------------------------------------------------
// Field rules as arbitraries

const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const ROLE = /^[a-z0-9][a-z0-9_:.-]{0,63}$/;
const CODE = /^[0-9]{4,10}$/;

/** A control character inside a name (at either end, whitespace among them is trimmed, which is fine). */
const controlText = fc.oneof(fc.integer({ min: 0, max: 0x1f }), fc.constant(0x7f)).map((code) => `Acme${String.fromCharCode(code)}Widgets`);

/** Invalid free text: wrong type, empty, too long, control characters or poison. */
function invalidText(max: number, options: { min?: number; controls?: boolean } = {}): fc.Arbitrary<Json> {
  return fc.oneof(
    wrongType("string"),
    ...((options.min ?? 1) > 0 ? [fc.constantFrom("")] : []),
    tooLong(max),
    poisonText,
    ...(options.controls ? [controlText] : []),
  );
}

/** Invalid formatted text: as invalidText, plus any text the format does not match. */
function invalidFormatted(max: number, format: RegExp, samples: string[]): fc.Arbitrary<Json> {
  return fc.oneof(invalidText(max), fc.constantFrom(...samples), unicodeText.filter((text) => !format.test(text)), fc.string({ maxLength: 20 }).filter((text) => !format.test(text)));
}

const SETTING_RULES: Record<string, { accepts: Parameters<typeof wrongType>; outOfRange: Json[] }> = {
  otp_length: { accepts: ["number"], outOfRange: [3, 11, 6.5, -6, 1e9] },
  otp_expiry_minutes: { accepts: ["number"], outOfRange: [0, 61, 1.5] },
  max_otp_attempts: { accepts: ["number"], outOfRange: [0, 11] },
  rate_limit_per_hour: { accepts: ["number"], outOfRange: [0, 101] },
  voip_blocking: { accepts: ["boolean"], outOfRange: [] },
  sms_branding: { accepts: ["string"], outOfRange: ["", "   ", "x".repeat(31), "Acme\u0007", "Acme\nYour code is 1234", "\u0000"] },
  allowed_countries: { accepts: ["array", "null"], outOfRange: [[], ["XX"], ["us"], [1], ["U S"], ["\u0000"]] },
  access_token_ttl_seconds: { accepts: ["number"], outOfRange: [59, 3601] },
  refresh_token_ttl_seconds: { accepts: ["number"], outOfRange: [3599, 7_776_001] },
  default_roles: { accepts: ["array"], outOfRange: [["Admin"], ["a b"], [1], Array.from({ length: 21 }, (_, i) => `r${i}`)] },
  cors_origins: { accepts: ["array"], outOfRange: [["https://a.example/"], ["javascript:alert(1)"], ["*"], [""], ["https://a.example/path"], ["null"]] },
  refresh_reuse_interval_seconds: { accepts: ["number"], outOfRange: [-1, 61] },
  carrier_lookup: { accepts: ["boolean"], outOfRange: [] },
  audience: { accepts: ["string"], outOfRange: ["", "x".repeat(201), "aud\u0000"] },
  sms_per_prefix_per_hour: { accepts: ["number"], outOfRange: [0, 100_001] },
  sms_per_ip_per_hour: { accepts: ["number"], outOfRange: [0, 10_001] },
  sms_daily_budget: { accepts: ["number"], outOfRange: [0, 10_000_001] },
  risk_threshold: { accepts: ["number"], outOfRange: [0, 101] },
  turnstile: { accepts: ["object", "null"], outOfRange: [{}, { site_key: "a" }, { site_key: "a b", secret_key: "x" }, { site_key: "a", secret_key: "b", extra: 1 }, { site_key: "é", secret_key: "b" }] },
  sign_in_methods: { accepts: ["array"], outOfRange: [[], ["sms"], ["PASSWORD"], ["password", "password"], [1], [null], ["phone_otp\u0000"]] },
  email_verification_required: { accepts: ["boolean"], outOfRange: [] },
  password_min_length: { accepts: ["number"], outOfRange: [7, 65, 8.5, -8] },
  mfa: { accepts: ["string"], outOfRange: ["", "always", "OFF", "optional "] },
  email_branding: { accepts: ["string"], outOfRange: ["", "   ", "x".repeat(101), "Acme\u0007", "Acme\nClick here"] },
  redirect_uris: { accepts: ["array"], outOfRange: [["http://app.example/cb"], ["https://app.example/cb#x"], ["javascript:alert(1)"], ["https://user:pw@app.example/"], [""], ["/relative"], [1]] },
  branding: { accepts: ["object"], outOfRange: [{ font: "x" }, { primary_color: "red" }, { primary_color: "#12345" }, { logo_url: "http://cdn.example/l.png" }, { logo_url: "javascript:alert(1)" }] },
};

const invalidSettings: fc.Arbitrary<Json> = fc.oneof(
  wrongType("object"),
  fc.constantFrom(...Object.keys(SETTING_RULES)).chain((key) => {
    const rule = SETTING_RULES[key] ?? { accepts: [], outOfRange: [] };
    const values = rule.outOfRange.length > 0 ? fc.oneof(wrongType(...rule.accepts), fc.constantFrom(...rule.outOfRange)) : wrongType(...rule.accepts);
    return values.map((value) => ({ [key]: value }));
  }),
  fc.string({ minLength: 1, maxLength: 12 }).filter((key) => !Object.hasOwn(SETTING_RULES, key)).map((key) => ({ [key]: 1 })),
);

/** Free-form metadata that must be refused: not an object, an over-long or poisoned key, poison anywhere. */
const invalidMetadata: fc.Arbitrary<Json> = fc.oneof(
  wrongType("object"),
  tooLong(100).map((key) => ({ [key]: 1 })),
  poisonText.map((key) => ({ [key]: 1 })),
  poisonText.map((value) => ({ note: { deeper: [value] } })),
);

const validName = fc.string({ unit: fc.constantFrom("A", "c", "m", "e", " ", "W", "0", "1", "é", "ü"), minLength: 1, maxLength: 40 }).filter((name) => name.trim().length > 0);
const validSlug = fc.integer({ min: 0, max: 2 ** 31 }).map((n) => `hostile-${n.toString(36)}`);
const validSettings = fc.option(fc.record({ otp_length: fc.integer({ min: 4, max: 10 }), voip_blocking: fc.boolean() }, { requiredKeys: [] }), { nil: undefined });
const validMetadata = fc.option(fc.dictionary(fc.constantFrom("plan", "tier", "locale"), fc.oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.boolean())), { nil: undefined });
const optional = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });

const invalidPhone = fc.oneof(
  invalidText(64),
  fc.constantFrom("+", "+1", "+1415555", "14155550100", "+1 415 555 0100 ext 5", "tel:+14155550100", "+１４１５５５５０１００", "+٤١٥٥٥٥٠١٠٠", "+1\u202e4155550100", "+44 7911 123456;x", "+0000000000"),
  unicodeText.filter((text) => text.length <= 64),
);

/** Not addresses (null aside, which PATCH /me accepts); text the schema lets through is refused by the address parser (`invalid_email`). */
const notAnAddress = fc.oneof(
  wrongType("string", "null"),
  tooLong(1024),
  poisonText,
  fc.constantFrom("", "a@", "@b", "a@b@c", `${"x".repeat(250)}@example.com`, "a b@example.org", "a@example.org\r\nBcc: b@example.org", "<a@example.org>", "a@[127.0.0.1]", "a@localhost", "a@-example.org"),
  unicodeText.filter((text) => !text.includes("@")),
);
/** Never an address: a sign-up with it and a good password must still be refused. */
const invalidEmail = fc.oneof(
  wrongType("string"),
  fc.constantFrom("", " ", "a@", "@b", "a@b@example.org", "a@localhost", "a b@example.org", "a\u0007b@example.org", "a@example.org\u202e", "a@exa mple.org", `${"x".repeat(250)}@example.org`),
  unicodeText.filter((text) => !text.includes("@")),
  tooLong(254),
);
const validEmail = fc.constant("hostile-input@example.org");
/** Passes the password policy (and is never sent with every other field valid). */
const validPassword = fc.constant("a perfectly fine passphrase");
/** Refused by the schema itself, before the policy, a lookup or a count. */
const malformedPassword = fc.oneof(wrongType("string"), fc.constant(""), poisonText);
/** Refused by the schema or, having passed it, by the policy: never accepted. */
const weakPassword = fc.oneof(malformedPassword, fc.constantFrom("short", "1234567", "password", "password123", "😀😀😀"), tooLong(128));

/** Well-formed WebAuthn JSON that no authenticator made: the route's schema lets it through, the checks would not. */
const base64urlText = fc.stringMatching(/^[A-Za-z0-9_-]{4,40}$/);
const wellFormedAssertion = base64urlText.map((id) => ({ id, rawId: id, type: "public-key", response: { clientDataJSON: "e30", authenticatorData: "AAAA", signature: "AAAA" }, clientExtensionResults: {} }));
const wellFormedRegistration = base64urlText.map((id) => ({ id, rawId: id, type: "public-key", response: { clientDataJSON: "e30", attestationObject: "AAAA" }, clientExtensionResults: {} }));
/** Not the JSON of a PublicKeyCredential: wrong types, missing or extra members, ids that differ or are not base64url. */
const notACredential: fc.Arbitrary<Json> = fc.oneof(
  wrongType("object"),
  fc.constantFrom<Json>(
    {},
    { id: "AAAA" },
    { id: "AAAA", rawId: "BBBB", type: "public-key", response: { clientDataJSON: "e30", authenticatorData: "AAAA", signature: "AAAA" }, clientExtensionResults: {} },
    { id: "AA+A", rawId: "AA+A", type: "public-key", response: { clientDataJSON: "e30", authenticatorData: "AAAA", signature: "AAAA" }, clientExtensionResults: {} },
    { id: "AAAA", rawId: "AAAA", type: "password", response: { clientDataJSON: "e30", authenticatorData: "AAAA", signature: "AAAA" }, clientExtensionResults: {} },
    { id: "AAAA", rawId: "AAAA", type: "public-key", response: { clientDataJSON: "e30" }, clientExtensionResults: {} },
    { id: "AAAA", rawId: "AAAA", type: "public-key", response: "AAAA", clientExtensionResults: {} },
    { id: "AAAA", rawId: "AAAA", type: "public-key", response: { clientDataJSON: "e30", authenticatorData: "AAAA", signature: "AAAA", extra: 1 }, clientExtensionResults: {}, extra: 1 },
  ),
  tooLong(2000).map((id) => ({ id, rawId: id, type: "public-key", response: { clientDataJSON: "e30", authenticatorData: "AAAA", signature: "AAAA" }, clientExtensionResults: {} })),
  poisonText.map((id) => ({ id, rawId: id, type: "public-key", response: {}, clientExtensionResults: {} })),
);
const invalidChallengeId = fc.oneof(wrongType("string"), tooLong(64), poisonText);
const validChallengeId = fc.constant(null).map(() => newId("wac"));

const redirectUris = {
  valid: fc.constant<Json>(["https://app.example/cb"]),
  invalid: fc.oneof<fc.Arbitrary<Json>[]>(
    wrongType("array"),
    fc.constantFrom<Json>(["http://evil.example/cb"], ["https://app.example/cb#x"], ["https://u:p@app.example/cb"], ["https://app.example\\@evil.example/"], ["//evil.example"], ["javascript:alert(1)"], ["https://APP.example/cb"], [""]),
    tooLong(2001).map((tail) => [`https://app.example/${tail}`]),
    unicodeText.map((text) => [text]),
  ),
};
const clientFields = {
  name: { valid: fc.constant("App"), invalid: fc.oneof(wrongType("string"), fc.constant(""), tooLong(100), poisonText) },
  redirect_uris: redirectUris,
  post_logout_redirect_uris: { valid: optional(redirectUris.valid), invalid: redirectUris.invalid },
  first_party: { valid: optional(fc.boolean()), invalid: wrongType("boolean") },
  id_token_signed_response_alg: { valid: optional(fc.constantFrom("RS256", "ES256")), invalid: fc.oneof(wrongType("string"), fc.constantFrom("none", "HS256", "rs256", "RS256 ", "PS256"), poisonText) },
  roles: { valid: optional(fc.constant<Json>(["reader"])), invalid: fc.oneof(wrongType("array"), fc.constantFrom(["Has Space"], [""], Array.from({ length: 21 }, (_, index) => `r${index}`))) },
};

const connectionFields = {
  client_id: { valid: fc.constant("portcullis"), invalid: fc.oneof(wrongType("string"), fc.constant(""), tooLong(255), poisonText) },
  client_secret: { valid: fc.constant("upstream-secret"), invalid: fc.oneof(wrongType("string"), fc.constant(""), tooLong(1024), poisonText) },
  scopes: { valid: optional(fc.constant<Json>(["openid", "email"])), invalid: fc.oneof(wrongType("array"), fc.constantFrom<Json>(["has space"], ['quo"te'], ["back\\slash"], [""], Array.from({ length: 21 }, (_, index) => `s${index}`))) },
  display_name: { valid: optional(fc.constant("Acme SSO")), invalid: fc.oneof(wrongType("string"), fc.constant(""), tooLong(100), poisonText) },
  enabled: { valid: optional(fc.boolean()), invalid: wrongType("boolean") },
  keep_provider_tokens: { valid: optional(fc.boolean()), invalid: wrongType("boolean") },
};

const webhookFields = {
  url: {
    valid: fc.constant("https://hooks.example.com/portcullis"),
    invalid: fc.oneof(
      wrongType("string"),
      fc.constantFrom("", "hooks.example.com", "http://hooks.example.com/", "https://169.254.169.254/", "https://10.0.0.1/", "https://167772161/", "https://u:p@hooks.example.com/", "https://hooks.example.com/#f", "javascript:alert(1)", "https://metadata.google.internal/"),
      tooLong(2048),
      poisonText,
    ),
  },
  events: {
    valid: fc.constant<Json>(["user.created", "session.revoked"]),
    invalid: fc.oneof(wrongType("array"), fc.constantFrom<Json>([], ["user.hacked"], ["user.created", "user.created"], ["USER.CREATED"], [""], ["__proto__"])),
  },
};

const BODIES: Record<string, BodySpec> = {
  "POST /api/admin/tenants/:id/webhooks": webhookFields,
  "PATCH /api/admin/tenants/:id/webhooks/:webhookId": {
    url: { valid: optional(webhookFields.url.valid), invalid: webhookFields.url.invalid },
    events: { valid: optional(webhookFields.events.valid), invalid: webhookFields.events.invalid },
    enabled: { valid: optional(fc.boolean()), invalid: wrongType("boolean") },
  },
  "POST /api/admin/tenants/:id/clients": {
    ...clientFields,
    type: { valid: fc.constantFrom("public", "confidential"), invalid: fc.oneof(wrongType("string"), fc.constantFrom("", "Public", "private", "__proto__"), poisonText) },
  },
  "PATCH /api/admin/tenants/:id/clients/:clientId": {
    ...clientFields,
    name: { valid: optional(clientFields.name.valid), invalid: clientFields.name.invalid },
    redirect_uris: { valid: optional(redirectUris.valid), invalid: redirectUris.invalid },
  },
  "POST /api/admin/tenants/:id/connections": {
    ...connectionFields,
    provider: { valid: fc.constant("oidc"), invalid: fc.oneof(wrongType("string"), fc.constantFrom("", "Google", "facebook", "saml", "__proto__"), poisonText) },
    issuer: { valid: fc.constant("https://id.example"), invalid: fc.oneof(wrongType("string"), fc.constantFrom("http://id.example", "https://id.example/?q=1", "https://id.example/#f", "https://u:p@id.example", "id.example", "javascript:alert(1)"), tooLong(500)) },
  },
  "PATCH /api/admin/tenants/:id/connections/:connectionId": {
    ...connectionFields,
    client_id: { valid: optional(connectionFields.client_id.valid), invalid: connectionFields.client_id.invalid },
    client_secret: { valid: optional(connectionFields.client_secret.valid), invalid: connectionFields.client_secret.invalid },
    // null clears the display name in a PATCH.
    display_name: { valid: optional(fc.constantFrom("Acme SSO", null)), invalid: fc.oneof(wrongType("string", "null"), fc.constant(""), tooLong(100), poisonText) },
  },
  "POST /api/auth/passkeys/register": {
    challenge_id: { valid: validChallengeId, invalid: invalidChallengeId },
    credential: { valid: wellFormedRegistration, invalid: notACredential },
    name: { valid: optional(validName), invalid: invalidText(64, { controls: true }) },
  },
  "POST /api/auth/passkeys/login": {
    challenge_id: { valid: validChallengeId, invalid: invalidChallengeId },
    credential: { valid: wellFormedAssertion, invalid: notACredential },
  },
  "POST /api/auth/signup": {
    email: { valid: validEmail, invalid: invalidEmail, alsoCodes: ["invalid_email"] },
    password: { valid: validPassword, invalid: weakPassword, alsoCodes: ["weak_password"] },
  },
  "POST /api/auth/login": {
    email: { valid: validEmail, invalid: invalidEmail, alsoCodes: ["invalid_email"] },
    // Longer than any stored password: refused before it counts as a guess.
    password: { valid: validPassword, invalid: fc.oneof(malformedPassword, tooLong(128)) },
  },
  "POST /api/auth/password/forgot": {
    email: { valid: validEmail, invalid: invalidEmail, alsoCodes: ["invalid_email"] },
  },
  "POST /api/auth/password/reset": {
    token: { valid: fc.constant("A".repeat(43)), invalid: fc.oneof(invalidText(43), fc.constantFrom("A".repeat(42), "A".repeat(44), `${"A".repeat(42)}=`, `${"A".repeat(42)}+`, `${"A".repeat(42)}/`), unicodeText) },
    // A password the policy would refuse reaches the policy only with a live token: here the token is checked first.
    password: { valid: validPassword, invalid: malformedPassword },
  },
  "POST /api/auth/password": {
    // The fixture's user has no password, so a current password the schema lets through would be ignored and the change made.
    current_password: { valid: optional(validPassword), invalid: malformedPassword },
    new_password: { valid: validPassword, invalid: weakPassword, alsoCodes: ["weak_password"] },
  },

  "POST /api/auth/mfa/totp/confirm": {
    // Six digits exactly, as the app shows them: anything else is refused before it counts as an attempt.
    code: { valid: fc.stringMatching(/^[0-9]{6}$/), invalid: invalidFormatted(10, /^[0-9]{6}$/, ["12345", "1234567", "１２３４５６", "١٢٣٤٥٦", "123456 ", " 123456", "12a456", "-12345", "1e5", "123456\u0000", "abcd-efgh-jkmn"]) },
  },

  "POST /api/admin/tenants": {
    name: { valid: validName, invalid: invalidText(100, { controls: true }) },
    slug: { valid: validSlug, invalid: invalidFormatted(63, SLUG, ["-a", "a-", "A", "a_b", "a".repeat(64), "a b", "ä"]) },
    settings: { valid: validSettings, invalid: invalidSettings },
  },
  "PATCH /api/admin/tenants/:id": {
    name: { valid: optional(validName), invalid: invalidText(100, { controls: true }) },
    settings: { valid: validSettings, invalid: invalidSettings },
  },
  "PATCH /api/admin/users/:id": {
    roles: { valid: optional(fc.array(fc.constantFrom("user", "admin", "support:read"), { maxLength: 3 })), invalid: fc.oneof(wrongType("array"), fc.constantFrom(["Admin"], ["a b"], [1], [null], Array.from({ length: 21 }, (_, i) => `r${i}`)), invalidFormatted(64, ROLE, ["Admin", "a b", "-x"]).map((role) => [role])) },
    disabled: { valid: optional(fc.constant(false)), invalid: wrongType("boolean") },
    metadata: { valid: validMetadata, invalid: invalidMetadata },
  },
  "POST /api/auth/request": {
    phone: { valid: fc.constant(null).map(() => freshPhone()), invalid: invalidPhone, alsoCodes: ["invalid_phone"] },
    turnstile_token: { valid: optional(fc.constantFrom("XXXX.DUMMY.TOKEN.XXXX")), invalid: fc.oneof(wrongType("string"), fc.constant(""), tooLong(2048), poisonText) },
  },
  "POST /api/auth/verify": {
    phone: { valid: fc.constant(null).map(() => freshPhone()), invalid: invalidPhone, alsoCodes: ["invalid_phone"] },
    code: { valid: fc.stringMatching(/^[0-9]{6}$/), invalid: invalidFormatted(10, CODE, ["123", "12345678901", "１２３４５６", "١٢٣٤٥٦", "123456 ", " 123456", "12a456", "-12345", "1e10", "123456\u0000"]) },
  },
  "POST /api/auth/refresh": {
    refresh_token: { valid: fc.constant(null).map(() => `rt_${newId("ses")}`), invalid: invalidText(512) },
  },
  "PATCH /api/auth/me": {
    email: { valid: optional(fc.constantFrom("a@example.com", null)), invalid: notAnAddress, alsoCodes: ["invalid_email"] },
    metadata: { valid: validMetadata, invalid: invalidMetadata },
  },
  "POST /api/auth/email/request": {
    email: { valid: fc.constant("someone@example.org"), invalid: notAnAddress, alsoCodes: ["invalid_email"] },
  },
  "POST /api/auth/email/verify": {
    email: { valid: fc.constant("someone@example.org"), invalid: notAnAddress, alsoCodes: ["invalid_email"] },
    code: { valid: fc.stringMatching(/^[0-9]{6}$/), invalid: invalidFormatted(10, CODE, ["123", "12345678901", "１２３４５６", "123456 ", "12a456", "123456\u0000"]) },
    // With an address and a code beside it, a well-formed token is itself refused: one shape or the other.
    token: { valid: optional(fc.constant("A".repeat(43))), invalid: fc.oneof(wrongType("string"), tooLong(256), poisonText) },
  },
  "POST /api/auth/mfa/verify": {
    // Any string up to 128 is looked up (and an unknown one is 401 mfa_token_expired): only wrong types and lengths are 400.
    mfa_token: { valid: fc.constant(`mfa_${"a".repeat(32)}`), invalid: fc.oneof(wrongType("string"), tooLong(128)) },
    method: { valid: fc.constant("totp"), invalid: fc.oneof(wrongType("string"), fc.constantFrom("", "TOTP", "sms", "otp", "totp ", "recovery-code"), poisonText) },
    code: { valid: fc.stringMatching(/^[0-9]{6}$/), invalid: fc.oneof(wrongType("string"), fc.constantFrom("", "12345", "1234567", "１２３４５６", "١٢٣٤٥٦", "12a456", "123456 ", "123456\u0000"), tooLong(64)) },
    // Only with method passkey: beside a TOTP code any value is refused, before the token is looked up.
    challenge_id: { valid: fc.constant(undefined), invalid: fc.oneof(fc.jsonValue() as fc.Arbitrary<Json>, unicodeText) },
    credential: { valid: fc.constant(undefined), invalid: fc.oneof(fc.jsonValue() as fc.Arbitrary<Json>, unicodeText) },
  },
  "POST /api/auth/mfa/passkey/options": {
    mfa_token: { valid: fc.constant(`mfa_${"a".repeat(32)}`), invalid: fc.oneof(wrongType("string"), tooLong(128)) },
  },
  "POST /api/auth/introspect": {
    token: { valid: fc.constant("header.payload.signature"), invalid: invalidText(8192) },
    token_type_hint: { valid: optional(fc.constantFrom("access_token")), invalid: fc.oneof(wrongType("string"), tooLong(64), poisonText) },
  },
};

/** Where each JSON route is sent, with the credentials that get a request past authentication to validation. */
function jsonTarget(route: string, fx: Fixture): { path: string; headers: () => Record<string, string> } {
  const admin = () => ({ Authorization: `Bearer ${env.ADMIN_TOKEN}` });
  const publishable = () => ({ "x-api-key": fx.tenant.api_key, "CF-Connecting-IP": clientIp() });
  switch (route) {
    case "POST /api/admin/tenants":
      return { path: "/api/admin/tenants", headers: admin };
    case "PATCH /api/admin/tenants/:id":
      return { path: `/api/admin/tenants/${fx.tenant.tenant_id}`, headers: admin };
    case "PATCH /api/admin/users/:id":
      return { path: `/api/admin/users/${fx.user.id}`, headers: admin };
    case "POST /api/auth/request":
      return { path: "/api/auth/request", headers: publishable };
    case "POST /api/auth/verify":
      return { path: "/api/auth/verify", headers: publishable };
    case "POST /api/auth/refresh":
      return { path: "/api/auth/refresh", headers: publishable };
    case "PATCH /api/auth/me":
      return { path: "/api/auth/me", headers: () => ({ Authorization: `Bearer ${fx.user.token}`, "CF-Connecting-IP": clientIp() }) };
    case "POST /api/auth/introspect":
      return { path: "/api/auth/introspect", headers: () => ({ Authorization: `Bearer ${fx.tenant.secret_key}` }) };
    case "POST /api/auth/email/request":
      return { path: "/api/auth/email/request", headers: publishable };
    case "POST /api/auth/email/verify":
      return { path: "/api/auth/email/verify", headers: publishable };
    case "POST /api/auth/signup":
    case "POST /api/auth/login":
    case "POST /api/auth/password/forgot":
    case "POST /api/auth/password/reset":
    case "POST /api/auth/mfa/verify":
    case "POST /api/auth/mfa/passkey/options":
      return { path: route.slice("POST ".length), headers: publishable };
    case "POST /api/auth/password":
      return { path: "/api/auth/password", headers: () => ({ Authorization: `Bearer ${fx.user.token}`, "CF-Connecting-IP": clientIp() }) };
    case "POST /api/auth/mfa/totp/confirm":
      return { path: "/api/auth/mfa/totp/confirm", headers: () => ({ Authorization: `Bearer ${fx.user.token}`, "CF-Connecting-IP": clientIp() }) };
    case "POST /api/auth/passkeys/register":
      return { path: route.slice("POST ".length), headers: () => ({ Authorization: `Bearer ${fx.user.token}`, "CF-Connecting-IP": clientIp() }) };
    case "POST /api/auth/passkeys/login":
      return { path: route.slice("POST ".length), headers: publishable };
    case "POST /api/admin/tenants/:id/clients":
      return { path: `/api/admin/tenants/${fx.tenant.tenant_id}/clients`, headers: admin };
    case "PATCH /api/admin/tenants/:id/clients/:clientId":
      return { path: `/api/admin/tenants/${fx.tenant.tenant_id}/clients/${fx.client.id}`, headers: admin };
    case "POST /api/admin/tenants/:id/connections":
      return { path: `/api/admin/tenants/${fx.tenant.tenant_id}/connections`, headers: admin };
    case "PATCH /api/admin/tenants/:id/connections/:connectionId":
      return { path: `/api/admin/tenants/${fx.tenant.tenant_id}/connections/${fx.connectionId}`, headers: admin };
    case "POST /api/admin/tenants/:id/webhooks":
      return { path: `/api/admin/tenants/${fx.tenant.tenant_id}/webhooks`, headers: admin };
    case "PATCH /api/admin/tenants/:id/webhooks/:webhookId":
      return { path: `/api/admin/tenants/${fx.tenant.tenant_id}/webhooks/${fx.webhookId}`, headers: admin };
    default:
      throw new Error(`no target for ${route}`);
  }
}

function bodylessTarget(route: string, fx: Fixture): { path: string; headers: () => Record<string, string> } {
  const admin = () => ({ Authorization: `Bearer ${env.ADMIN_TOKEN}` });
  const bearer = () => ({ Authorization: `Bearer ${fx.user.token}`, "CF-Connecting-IP": clientIp() });
  switch (route) {
    case "POST /api/admin/tenants/:id/keys":
      return { path: `/api/admin/tenants/${fx.tenant.tenant_id}/keys`, headers: admin };
    case "DELETE /api/admin/tenants/:id/keys/:keyId":
      return { path: `/api/admin/tenants/${fx.tenant.tenant_id}/keys/${fx.spareKeyId}`, headers: admin };
    case "DELETE /api/admin/users/:id":
      return { path: `/api/admin/users/${fx.victimId}`, headers: admin };
    case "POST /api/admin/users/:id/revoke-sessions":
      return { path: `/api/admin/users/${fx.victimId}/revoke-sessions`, headers: admin };
    case "POST /api/admin/keys/rotate":
      return { path: "/api/admin/keys/rotate", headers: admin };
    case "DELETE /api/admin/tenants/:id/clients/:clientId":
      // Were the body not refused first, the fixture's client would be deleted.
      return { path: `/api/admin/tenants/${fx.tenant.tenant_id}/clients/${fx.client.id}`, headers: admin };
    case "DELETE /api/admin/tenants/:id/connections/:connectionId":
      // Were the body not refused first, the fixture's connection would be deleted.
      return { path: `/api/admin/tenants/${fx.tenant.tenant_id}/connections/${fx.connectionId}`, headers: admin };
    case "DELETE /api/admin/tenants/:id/webhooks/:webhookId":
      // Were the body not refused first, the fixture's webhook would be deleted.
      return { path: `/api/admin/tenants/${fx.tenant.tenant_id}/webhooks/${fx.webhookId}`, headers: admin };
    case "POST /api/admin/tenants/:id/webhooks/:webhookId/deliveries/:deliveryId/retry":
      // A well-formed delivery id the issuer never had: the body is refused before it is looked up.
      return { path: `/api/admin/tenants/${fx.tenant.tenant_id}/webhooks/${fx.webhookId}/deliveries/dlv_0000000000000000000000000a/retry`, headers: admin };
    case "POST /api/admin/keys/:kid/withdraw":
      // A well-formed kid the issuer never had: the body is refused before the kid is looked up.
      return { path: "/api/admin/keys/key_0000000000000000000000000a/withdraw", headers: admin };
    case "POST /api/auth/logout":
      return { path: "/api/auth/logout", headers: bearer };
    case "POST /api/auth/logout-all":
      return { path: "/api/auth/logout-all", headers: bearer };
    case "DELETE /api/auth/sessions/:id":
      // The user's own session: were the body not refused first, the fixture would be signed out.
      return { path: `/api/auth/sessions/${fx.sessionIds[0] ?? ""}`, headers: bearer };
    case "POST /api/auth/mfa/totp":
      // Were the body not refused first, a pending factor would be written.
      return { path: "/api/auth/mfa/totp", headers: bearer };
    case "DELETE /api/auth/mfa/totp":
    case "POST /api/auth/mfa/recovery-codes":
      return { path: route.slice(route.indexOf(" ") + 1), headers: bearer };
    case "POST /api/auth/passkeys/register/options":
      return { path: "/api/auth/passkeys/register/options", headers: bearer };
    case "POST /api/auth/passkeys/login/options":
      return { path: "/api/auth/passkeys/login/options", headers: () => ({ "x-api-key": fx.tenant.api_key, "CF-Connecting-IP": clientIp() }) };
    case "DELETE /api/auth/passkeys/:id":
      return { path: `/api/auth/passkeys/${newId("pkey")}`, headers: bearer };
    default:
      throw new Error(`no target for ${route}`);
  }
}

// ---------------------------------------------------------------------------
// Query strings

const invalidInteger = (min: number, max: number) =>
  fc.oneof(
    fc.constantFrom("", "0x10", "1e1", "+5", "%205", "5%20", "%2B5", "5.0", "1.5", "-1", "NaN", "Infinity", "abc", "9".repeat(400), "%35%00", "٥", "５", String(min - 1), String(max + 1)),
    rawQueryJunk,
  );
const validLimit = fc.integer({ min: 1, max: 100 }).map(String);
const validCursor = fc.constant(null).map(() => encodeCursor({ createdAt: new Date(), id: newId("usr") }));
const invalidCursor = fc.oneof(tooLong(200), rawQueryJunk, fc.constantFrom("AAAA", "x", "eyJhIjoxfQ", encodeURIComponent(btoa("2020-01-01T00:00:00.000Z|usr_x"))));
const invalidId = (prefix: string) => fc.oneof(tooLong(64), rawQueryJunk, fc.constantFrom(`${prefix}_`, `${prefix}_${"0".repeat(25)}`, `${prefix.toUpperCase()}_${"0".repeat(26)}`, "%2A", "'%20or%201=1--"));

function querySpecs(fx: Fixture): Record<string, { path: string; spec: QuerySpec }> {
  return {
    "GET /api/admin/users": {
      path: "/api/admin/users",
      spec: {
        tenant_id: { valid: fc.constant(fx.tenant.tenant_id), invalid: invalidId("tn") },
        phone: { valid: fc.constant(encodeURIComponent(fx.user.phone)), invalid: fc.oneof(tooLong(40), rawQueryJunk, fc.constantFrom("%2B1", "1415", "%2B1%20415%20555%20ext%205")), alsoCodes: ["invalid_phone"] },
        limit: { valid: validLimit, invalid: invalidInteger(1, 100) },
        cursor: { valid: validCursor, invalid: invalidCursor },
      },
    },
    "GET /api/admin/audit": {
      path: "/api/admin/audit",
      spec: {
        tenant_id: { valid: fc.constant(fx.tenant.tenant_id), invalid: invalidId("tn") },
        user_id: { valid: fc.constant(fx.user.id), invalid: invalidId("usr") },
        type: { valid: fc.constantFrom(...AUDIT_EVENT_TYPES), invalid: fc.oneof(rawQueryJunk, fc.constantFrom("AUTH.CODE_SENT", "auth.*", "auth.code_sent%00", "")) },
        limit: { valid: validLimit, invalid: invalidInteger(1, 100) },
        cursor: { valid: validCursor, invalid: invalidCursor },
      },
    },
    "GET /api/admin/tenants/:id/webhooks/:webhookId/deliveries": {
      path: `/api/admin/tenants/${fx.tenant.tenant_id}/webhooks/${fx.webhookId}/deliveries`,
      spec: {
        limit: { valid: validLimit, invalid: invalidInteger(1, 100) },
        cursor: { valid: validCursor, invalid: invalidCursor },
      },
    },
    "GET /api/admin/tenants/:id/sms-stats": {
      path: `/api/admin/tenants/${fx.tenant.tenant_id}/sms-stats`,
      spec: { days: { valid: fc.integer({ min: 1, max: 90 }).map(String), invalid: invalidInteger(1, 90) } },
    },
  };
}

// ---------------------------------------------------------------------------
// The webhook's form

const hex = (length: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${length}}$`));
const twilioForm = hostileForm({
  fields: {
    MessageSid: { valid: hex(32).map((h) => `SM${h}`), invalid: fc.oneof(fc.constantFrom("", "SM", "SM123", `XX${"0".repeat(32)}`, `SM${"0".repeat(33)}`, `SM${"g".repeat(32)}`, `SM${"0".repeat(32)}\u0000`), unicodeText, tooLong(64)), required: true },
    MessageStatus: { valid: fc.constantFrom("delivered", "undelivered", "failed", "sent", "queued"), invalid: fc.oneof(fc.constantFrom("", "DELIVERED", "delivered ", "deliver", "__proto__", "constructor"), unicodeText), required: true },
    ErrorCode: { valid: fc.constantFrom("30003", "30005"), invalid: fc.oneof(fc.constantFrom("", "-1", "1234567", "3e4", "0x10", "30003 ", "٣٠٠٠٣"), unicodeText), required: false },
  },
  passthrough: fc.array(fc.tuple(fc.constantFrom("AccountSid", "To", "From", "ApiVersion", "SmsSid", "__proto__", "constructor"), fc.string({ maxLength: 20 })), { maxLength: 4 }),
});

const WEBHOOK_PATH = "/api/webhooks/twilio/status";

async function sendForm(hostile: HostileForm): Promise<Response> {
  const headers: Record<string, string> = { "CF-Connecting-IP": freshIp() };
  if (hostile.contentType !== null) headers["Content-Type"] = hostile.contentType;
  if (hostile.sign) {
    const params = [...new URLSearchParams(new TextDecoder().decode(bytesOf(hostile.body)))] as TwilioParam[];
    headers["X-Twilio-Signature"] = await twilioSignature(env.TWILIO_AUTH_TOKEN, `${ISSUER}${WEBHOOK_PATH}`, params);
  }
  return issuerFetch(WEBHOOK_PATH, { method: "POST", headers, body: requestBody(hostile.body, hostile.streamed) });
}

// ---------------------------------------------------------------------------
// The operator console

/** The console's routes of one method, as paths with their `:param` placeholders. */
function consoleRoutes(method: "GET" | "POST"): string[] {
  return Object.keys(ROUTES)
    .filter((route) => route.startsWith(`${method} /console`))
    .map((route) => route.slice(method.length + 1));
}

/** A path id for the console's routes: well-formed ids of nothing, and junk. */
const consoleId = fc.oneof(
  fc.constantFrom("tn_0000000000000000000000000a", "usr_0000000000000000000000000a", "key_0000000000000000000000000a", "whk_0000000000000000000000000a", "..", "%2F..", "%00", "x".repeat(300)),
  fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/),
);

function isJsonNotFound(response: Response): boolean {
  return response.status === 404 && (response.headers.get("Content-Type") ?? "").startsWith("application/json");
}

function consolePath(route: string, id: string): string {
  return route.replace(/:[A-Za-z]+/g, id);
}

/** A console refusal: an HTML page with the page headers, a 4xx, no form, nothing internal, no echo of a huge input. */
async function expectConsoleRefusal(response: Response, statuses: readonly number[], kind: string): Promise<void> {
  const text = await response.text();
  const context = `${kind} → ${response.status} ${text.slice(0, 300)}`;
  expect(statuses, context).toContain(response.status);
  expect(response.headers.get("Content-Type"), context).toBe("text/html; charset=utf-8");
  expect(response.headers.get("Content-Security-Policy"), context).toMatch(/^default-src 'none';/);
  expect(response.headers.get("X-Frame-Options"), context).toBe("DENY");
  expect(text, context).not.toContain("<form");
  expect(text.length, context).toBeLessThan(8192);
  expect(text, context).not.toMatch(INTERNALS);
}

/** The Cookie header of a browser signed in to the console. */
async function consoleOperatorCookie(): Promise<string> {
  const ip = freshIp();
  const login = await issuerFetch("/console/login", { headers: { "CF-Connecting-IP": ip } });
  const csrfCookie = login.headers.getSetCookie().map((header) => header.split(";")[0] ?? "").find((pair) => pair.startsWith("portcullis_csrf=")) ?? "";
  const csrf = /name="csrf" value="([^"]+)"/.exec(await login.text())?.[1] ?? "";
  const signedIn = await issuerFetch("/console/login", { method: "POST", headers: { "CF-Connecting-IP": ip, Cookie: csrfCookie, "Content-Type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ csrf, token: env.ADMIN_TOKEN }).toString(), redirect: "manual" });
  expect(signedIn.status).toBe(303);
  const consoleCookie = signedIn.headers.getSetCookie().map((header) => header.split(";")[0] ?? "").find((pair) => pair.startsWith("portcullis_console=")) ?? "";
  return `${csrfCookie}; ${consoleCookie}`;
}

// ---------------------------------------------------------------------------

describe("hostile input", () => {
  it("covers every route the issuer registers", () => {
    const app = createIssuerApp(() => {
      throw new Error("routes are only listed, never called");
    });
    const registered = new Set(app.routes.filter((route) => route.method !== "ALL").map((route) => `${route.method} ${route.path}`));
    expect([...registered].sort()).toEqual(Object.keys(ROUTES).sort());
  });

  describe.each(Object.keys(BODIES))("%s", (route) => {
    it("answers every hostile JSON body with the contract's 4xx and writes nothing", async () => {
      expect(ROUTES[route]).toBe("json");
      const spec = BODIES[route] ?? {};
      const [method = "POST"] = route.split(" ");
      await assertNothingWritten(async () => {
        const target = jsonTarget(route, fixture);
        await fc.assert(
          fc.asyncProperty(hostileJsonBody(spec), async (hostile) => {
            await expectContractError(await sendBody(method, target.path, hostile, target.headers()), hostile.expected, hostile.kind);
          }),
          runs(120),
        );
      });
    }, PROPERTY_TIMEOUT_MS);
  });

  describe.each(Object.entries(ROUTES).filter(([, input]) => input === "bodyless").map(([route]) => route))("%s", (route) => {
    it("refuses any body with the contract's 4xx and does nothing", async () => {
      const [method = "POST"] = route.split(" ");
      await assertNothingWritten(async () => {
        const target = bodylessTarget(route, fixture);
        await fc.assert(
          fc.asyncProperty(hostileBodyForBodyless, async (hostile) => {
            await expectContractError(await sendBody(method, target.path, hostile, target.headers()), hostile.expected, hostile.kind);
          }),
          runs(30),
        );
      });
    }, PROPERTY_TIMEOUT_MS);
  });

  describe.each(Object.entries(ROUTES).filter(([, input]) => input === "query").map(([route]) => route))("%s", (route) => {
    it("answers every hostile query string with the contract's 4xx and writes nothing", async () => {
      const { path, spec } = querySpecs(fixture)[route] ?? { path: "", spec: {} };
      await assertNothingWritten(async () => {
        await fc.assert(
          fc.asyncProperty(hostileQuery(spec), async (hostile: HostileQuery) => {
            await expectContractError(await adminFetch(`${path}?${hostile.query}`), hostile.expected, hostile.kind);
          }),
          runs(100),
        );
      });
    }, PROPERTY_TIMEOUT_MS);
  });

  describe.each(Object.entries(ROUTES).filter(([, input]) => input === "path id").map(([route]) => route))("%s", (route) => {
    it("answers a hostile id with 404 not_found", async () => {
      const clientRoute = route.endsWith("/clients/:clientId");
      const connectionRoute = route.endsWith("/connections/:connectionId");
      const webhookRoute = route.endsWith("/webhooks/:webhookId");
      const prefix = clientRoute
        ? `/api/admin/tenants/${fixture.tenant.tenant_id}/clients/`
        : connectionRoute
          ? `/api/admin/tenants/${fixture.tenant.tenant_id}/connections/`
          : webhookRoute
            ? `/api/admin/tenants/${fixture.tenant.tenant_id}/webhooks/`
            : route.includes("/tenants/")
              ? "/api/admin/tenants/"
              : "/api/admin/users/";
      const suffix = route.endsWith("/:id/clients") ? "/clients" : route.endsWith("/:id/connections") ? "/connections" : route.endsWith("/:id/webhooks") ? "/webhooks" : "";
      const kind = clientRoute ? "cli" : connectionRoute ? "con" : webhookRoute ? "whk" : prefix.includes("tenants") ? "tn" : "usr";
      const id = fc.oneof(invalidId(kind), unicodeText.map((text) => encodeURIComponent(text.replace(/[\ud800-\udfff]/g, "\u0000"))), fc.constantFrom("..", "%2e%2e", "%2F", "%5C", "__proto__", "constructor"));
      await assertNothingWritten(async () => {
        await fc.assert(
          fc.asyncProperty(id, async (raw) => {
            await expectContractError(await adminFetch(`${prefix}${raw}${suffix}`), NOT_FOUND, `id ${raw.slice(0, 60)}`);
          }),
          runs(40),
        );
      });
    }, PROPERTY_TIMEOUT_MS);
  });

  it("POST /api/auth/verify with an access token (adding a phone) answers every hostile JSON body with the contract's 4xx and writes nothing", async () => {
    const spec = BODIES["POST /api/auth/verify"] ?? {};
    await assertNothingWritten(async () => {
      await fc.assert(
        fc.asyncProperty(hostileJsonBody(spec), async (hostile) => {
          const headers = { "x-api-key": fixture.tenant.api_key, Authorization: `Bearer ${fixture.user.token}`, "CF-Connecting-IP": clientIp() };
          await expectContractError(await sendBody("POST", "/api/auth/verify", hostile, headers), hostile.expected, hostile.kind);
        }),
        runs(60),
      );
    });
  }, PROPERTY_TIMEOUT_MS);

  it("DELETE /api/auth/sessions/:id answers a hostile session id with 404 not_found and revokes nothing", async () => {
    const id = fc.oneof(
      invalidId("ses"),
      unicodeText.map((text) => encodeURIComponent(text.replace(/[\ud800-\udfff]/g, "\u0000"))),
      fc.constantFrom("..", "%2e%2e", "%2F", "%5C", "__proto__", "constructor", fixture.victimSessionId, fixture.foreignSessionId, `${fixture.sessionIds[0] ?? ""}x`),
    );
    await assertNothingWritten(async () => {
      await fc.assert(
        fc.asyncProperty(id, async (raw) => {
          const response = await issuerFetch(`/api/auth/sessions/${raw}`, { method: "DELETE", headers: { Authorization: `Bearer ${fixture.user.token}`, "CF-Connecting-IP": clientIp() } });
          await expectContractError(response, NOT_FOUND, `id ${raw.slice(0, 60)}`);
        }),
        runs(40),
      );
    });
  }, PROPERTY_TIMEOUT_MS);

  it("DELETE /api/auth/passkeys/:id answers a hostile passkey id with 404 not_found and removes nothing", async () => {
    const id = fc.oneof(invalidId("pkey"), unicodeText.map((text) => encodeURIComponent(text.replace(/[\ud800-\udfff]/g, "\u0000"))), fc.constantFrom("..", "%2e%2e", "%2F", "%5C", "__proto__", "constructor", fixture.victimSessionId));
    await assertNothingWritten(async () => {
      await fc.assert(
        fc.asyncProperty(id, async (raw) => {
          const response = await issuerFetch(`/api/auth/passkeys/${raw}`, { method: "DELETE", headers: { Authorization: `Bearer ${fixture.user.token}`, "CF-Connecting-IP": clientIp() } });
          await expectContractError(response, NOT_FOUND, `id ${raw.slice(0, 60)}`);
        }),
        runs(40),
      );
    });
  }, PROPERTY_TIMEOUT_MS);

  describe.each(Object.entries(ROUTES).filter(([, input]) => input === "oauth form").map(([route]) => route))("%s", (route) => {
    it("answers every hostile form with an RFC 6749 error (400, or 401 invalid_client) and writes nothing", async () => {
      const path = route.slice("POST ".length);
      const junkValue = fc.oneof(unicodeText.map((text) => encodeURIComponent(text.replace(/[\ud800-\udfff]/g, "\u0000"))), tooLong(600), fc.constantFrom("", "%00", "%E0%80", "__proto__", "rt_x", "a.b.c"));
      const name = fc.constantFrom("grant_type", "code", "redirect_uri", "code_verifier", "refresh_token", "token", "token_type_hint", "client_id", "client_secret", "scope", "__proto__");
      const form = fc.oneof(
        fc.array(fc.tuple(name, junkValue), { maxLength: 6 }).map((pairs) => pairs.map(([key, value]) => `${key}=${value}`).join("&")),
        fc.constantFrom("grant_type=authorization_code&code=x&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&code_verifier=" + "a".repeat(43), "grant_type=client_credentials&scope=openid", "token=x&token=y", "grant_type=authorization_code&grant_type=refresh_token"),
      );
      const credentials = fc.constantFrom<"good" | "wrong" | "none" | "junk">("good", "wrong", "none", "junk");
      await assertNothingWritten(async () => {
        await fc.assert(
          fc.asyncProperty(form, credentials, async (body, auth) => {
            const headers: Record<string, string> = { "Content-Type": "application/x-www-form-urlencoded", "CF-Connecting-IP": clientIp() };
            if (auth === "good") headers.Authorization = `Basic ${btoa(`${fixture.client.id}:${fixture.client.secret}`)}`;
            if (auth === "wrong") headers.Authorization = `Basic ${btoa(`${fixture.client.id}:wrong`)}`;
            if (auth === "junk") headers.Authorization = "Basic %%%";
            const response = await issuerFetch(path, { method: "POST", headers, body });
            const text = await response.text();
            const context = `${auth} ${body.slice(0, 120)} → ${response.status} ${text.slice(0, 200)}`;
            // Revocation answers 200 with no body for any token it does not know (RFC 7009 §2.2).
            if (path === "/oauth2/revoke" && response.status === 200) {
              expect(text, context).toBe("");
              return;
            }
            expect([400, 401], context).toContain(response.status);
            expect(response.headers.get("Cache-Control"), context).toBe("no-store");
            const parsed = JSON.parse(text) as { error: string; error_description: string };
            expect(Object.keys(parsed).sort(), context).toEqual(["error", "error_description"]);
            expect(["invalid_request", "invalid_client", "invalid_grant", "unsupported_grant_type", "invalid_scope"], context).toContain(parsed.error);
            expect(response.status === 401, context).toBe(parsed.error === "invalid_client");
            expect(text, context).not.toMatch(INTERNALS);
          }),
          runs(120),
        );
      });
    }, PROPERTY_TIMEOUT_MS);
  });

  it("POST /oauth2/token grant_type=client_credentials answers hostile scopes, repeats and credentials with an RFC 6749 error and issues nothing", async () => {
    const junkValue = fc.oneof(unicodeText.map((text) => encodeURIComponent(text.replace(/[\ud800-\udfff]/g, "\u0000"))), tooLong(600), fc.constantFrom("%00", "openid", "offline_access", "openid%20offline_access", "admin", "__proto__", "%20"));
    const extra = fc.oneof(
      junkValue.map((value) => `&scope=${value}`),
      fc.constantFrom("&grant_type=client_credentials", "&grant_type=authorization_code", "&scope=a&scope=b", `&client_id=${fixture.client.id}&client_secret=${fixture.client.secret}`),
    );
    const credentials = fc.constantFrom<"good" | "wrong" | "other id" | "junk">("good", "wrong", "other id", "junk");
    await assertNothingWritten(async () => {
      await fc.assert(
        fc.asyncProperty(extra, credentials, async (tail, auth) => {
          const headers: Record<string, string> = { "Content-Type": "application/x-www-form-urlencoded", "CF-Connecting-IP": clientIp() };
          if (auth === "good") headers.Authorization = `Basic ${btoa(`${fixture.client.id}:${fixture.client.secret}`)}`;
          if (auth === "wrong") headers.Authorization = `Basic ${btoa(`${fixture.client.id}:${fixture.client.secret.slice(0, -1)}x`)}`;
          if (auth === "other id") headers.Authorization = `Basic ${btoa(`cli_00000000000000000000000000:${fixture.client.secret}`)}`;
          if (auth === "junk") headers.Authorization = "Basic %%%";
          const response = await issuerFetch("/oauth2/token", { method: "POST", headers, body: `grant_type=client_credentials${tail}` });
          const text = await response.text();
          const context = `${auth} ${tail.slice(0, 120)} → ${response.status} ${text.slice(0, 200)}`;
          expect([400, 401], context).toContain(response.status);
          const parsed = JSON.parse(text) as { error: string; error_description: string };
          expect(Object.keys(parsed).sort(), context).toEqual(["error", "error_description"]);
          expect(["invalid_request", "invalid_client", "invalid_scope"], context).toContain(parsed.error);
          expect(response.status === 401, context).toBe(parsed.error === "invalid_client");
          expect(text, context).not.toMatch(INTERNALS);
        }),
        runs(80),
      );
    });
  }, PROPERTY_TIMEOUT_MS);

  it("POST /api/webhooks/twilio/status answers every hostile form with the contract's 4xx and writes nothing", async () => {
    expect(ROUTES[`POST ${WEBHOOK_PATH}`]).toBe("form");
    await assertNothingWritten(async () => {
      await fc.assert(
        fc.asyncProperty(twilioForm, async (hostile) => {
          await expectContractError(await sendForm(hostile), hostile.expected, hostile.kind);
        }),
        runs(100),
      );
    });
  }, PROPERTY_TIMEOUT_MS);

  it("GET /auth/link answers every hostile query with a 4xx page, never a form, and writes nothing", async () => {
    expect(ROUTES["GET /auth/link"]).toBe("page query");
    // A live sign-in link of a tenant with no return address: only a valid request of its own tenant could make a form of it.
    const live = await liveSignInLink();
    const query = fc.oneof(
      rawQueryJunk,
      rawQueryJunk.map((junk) => `token=${junk}`),
      rawQueryJunk.map((junk) => `token=${live}&request=${encodeURIComponent(`response_type=code&client_id=${junk}&redirect_uri=https://evil.example&code_challenge_method=S256`)}`),
      rawQueryJunk.map((junk) => `token=${live}&request=${junk}`),
      fc.constantFrom(`token=${live}&request=${"A".repeat(9000)}`, `token=${live}&request=`, `token=${live}&request=a&request=b`, `token=${live}&step=sign_in`),
      tooLong(256).map((token) => `token=${token}`),
      fc.stringMatching(/^[A-Za-z0-9_-]{43}$/).map((token) => `token=${token}`),
      fc.constantFrom("", "token=", `token=${"A".repeat(43)}&token=${"B".repeat(43)}`, `token=${"A".repeat(43)}&next=https://evil.example`, "__proto__=1", "token[]=x", `token=${"A".repeat(42)}%00`),
    );
    await assertNothingWritten(async () => {
      await fc.assert(
        fc.asyncProperty(query, async (raw) => {
          await expectRefusalPage(await issuerFetch(`/auth/link?${raw}`, { headers: { "CF-Connecting-IP": clientIp() } }), [400, 401, 409], `query ${raw.slice(0, 80)}`);
        }),
        runs(100),
      );
    });
  }, PROPERTY_TIMEOUT_MS);

  it("POST /auth/link answers every hostile form with a 4xx page and writes nothing", async () => {
    expect(ROUTES["POST /auth/link"]).toBe("page form");
    const live = await liveSignInLink();
    const request = new URLSearchParams({ response_type: "code", client_id: fixture.client.id, redirect_uri: "https://app.example/cb", code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", code_challenge_method: "S256" }).toString();
    const body = fc.oneof(
      rawQueryJunk,
      // A live link with a valid request of its own tenant, but no CSRF cookie and a junk token: nothing may be spent.
      rawQueryJunk.map((junk) => `step=sign_in&csrf=${junk}&token=${live}&request=${encodeURIComponent(request)}`),
      rawQueryJunk.map((junk) => `step=sign_in&csrf=${"0".repeat(64)}&token=${live}&request=${junk}`),
      fc.constantFrom(`step=sign_in&csrf=${"0".repeat(64)}&token=${live}`, `step=sign_in&token=${live}`, `step=other&csrf=x&token=${live}`, `step=sign_in&csrf=x&token=${live}&request=${"A".repeat(9000)}`),
      rawQueryJunk.map((junk) => `token=${junk}`),
      fc.stringMatching(/^[A-Za-z0-9_-]{43}$/).map((token) => `token=${token}`),
      fc.stringMatching(/^[A-Za-z0-9_-]{43}$/).map((token) => `token=${token}&password=${"x".repeat(20)}`),
      tooLong(1024).map((password) => `token=${"A".repeat(43)}&password=${password}`),
      fc.constantFrom("", "token=", `token=${"A".repeat(43)}&token=${"A".repeat(43)}`, "__proto__=1", "constructor=1&token=x", `token=${"A".repeat(43)}&remember=1`),
    );
    const contentType = fc.constantFrom("application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=utf-8", "application/json", "text/plain", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded; charset=latin1", null);
    await assertNothingWritten(async () => {
      await fc.assert(
        fc.asyncProperty(body, contentType, async (raw, type) => {
          const headers: Record<string, string> = { "CF-Connecting-IP": clientIp() };
          if (type !== null) headers["Content-Type"] = type;
          const response = await issuerFetch("/auth/link", { method: "POST", headers, body: raw, redirect: "manual" });
          await expectRefusalPage(response, [400, 401, 403, 413, 415], `${type ?? "no type"} ${raw.slice(0, 80)}`);
        }),
        runs(100),
      );
      const huge = await issuerFetch("/auth/link", { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", "CF-Connecting-IP": clientIp() }, body: `token=${"A".repeat(100_000)}` });
      await expectRefusalPage(huge, [413], "oversized form");
    });
    expect(await linkIsLive(live)).toBe(true);
  }, PROPERTY_TIMEOUT_MS);

  it("GET /login, GET /signup, GET /consent and GET /oauth2/authorize answer every hostile query with a 400 page, never a form or a redirect, and write nothing", async () => {
    expect(ROUTES["GET /login"]).toBe("page query");
    expect(ROUTES["GET /oauth2/authorize"]).toBe("page query");
    const query = fc.oneof(
      rawQueryJunk,
      rawQueryJunk.map((junk) => `key=${junk}`),
      rawQueryJunk.map((junk) => `request=${encodeURIComponent(`client_id=${junk}&redirect_uri=https://evil.example`)}`),
      rawQueryJunk.map((junk) => `response_type=code&client_id=${junk}&redirect_uri=https://evil.example&code_challenge_method=S256`),
      tooLong(128).map((key) => `key=${key}`),
      fc.constantFrom("", "key=", "key=pk_x&key=pk_y", "client_id=a&client_id=b", "__proto__=1", "request=client_id%3D", `request=${"A".repeat(9000)}`, "redirect_uri=javascript:alert(1)&client_id=x"),
    );
    expect(ROUTES["GET /signup"]).toBe("page query");
    expect(ROUTES["GET /consent"]).toBe("page query");
    const path = fc.constantFrom("/login", "/signup", "/consent", "/oauth2/authorize");
    await assertNothingWritten(async () => {
      await fc.assert(
        fc.asyncProperty(path, query, async (where, raw) => {
          const response = await issuerFetch(`${where}?${raw}`, { headers: { "CF-Connecting-IP": clientIp() }, redirect: "manual" });
          expect(response.headers.get("Location"), raw).toBeNull();
          await expectRefusalPage(response, [400], `${where} ${raw.slice(0, 80)}`);
        }),
        runs(100),
      );
    });
  }, PROPERTY_TIMEOUT_MS);

  it("POST /login, /signup, /consent, /reset-password and /verify-email answer every hostile form with a 4xx page and write nothing", async () => {
    expect(ROUTES["POST /login"]).toBe("page form");
    expect(ROUTES["POST /signup"]).toBe("page form");
    expect(ROUTES["POST /consent"]).toBe("page form");
    expect(ROUTES["POST /reset-password"]).toBe("page form");
    expect(ROUTES["POST /verify-email"]).toBe("page form");
    const where = fc.constantFrom("/login", "/signup", "/consent", "/reset-password", "/verify-email");
    const step = fc.constantFrom("password", "phone_request", "phone_verify", "email_request", "email_verify", "second_factor", "consent", "request", "choose", "verify", "passkey_start", "passkey", "second_factor_passkey_start", "second_factor_passkey", "x", "");
    const body = fc.oneof(
      rawQueryJunk,
      fc.tuple(step, rawQueryJunk).map(([name, junk]) => `step=${name}&key=${fixture.tenant.api_key}&csrf=${junk}&email=a@b.co&password=x&phone=${junk}&code=1&mfa_token=${junk}`),
      fc.tuple(step, unicodeText).map(([name, text]) => new URLSearchParams({ step: name, key: fixture.tenant.api_key, csrf: "", phone: text }).toString()),
      tooLong(1024).map((password) => `step=password&key=${fixture.tenant.api_key}&csrf=x&email=a@b.co&password=${password}`),
      fc.tuple(rawQueryJunk, tooLong(1024)).map(([junk, password]) => `step=choose&csrf=${junk}&token=${junk}&password=${password}&password_confirm=${password}`),
      fc.tuple(rawQueryJunk, fc.constantFrom("allow", "deny", "maybe", "")).map(([junk, decision]) => `step=consent&csrf=${junk}&request=${encodeURIComponent(`client_id=${junk}&redirect_uri=https://evil.example`)}&decision=${decision}`),
      fc.constantFrom("", "step=password", "step=password&step=phone_request", "__proto__=1&step=password", `step=phone_request&key=${fixture.tenant.api_key}&phone=${fixture.user.phone}`),
    );
    const contentType = fc.constantFrom("application/x-www-form-urlencoded", "application/json", "text/plain", null);
    await assertNothingWritten(async () => {
      await fc.assert(
        fc.asyncProperty(where, body, contentType, async (path, raw, type) => {
          const headers: Record<string, string> = { "CF-Connecting-IP": clientIp() };
          if (type !== null) headers["Content-Type"] = type;
          const response = await issuerFetch(path, { method: "POST", headers, body: raw, redirect: "manual" });
          await expectRefusalPage(response, [400, 403, 413, 415], `${type ?? "no type"} ${raw.slice(0, 80)}`);
        }),
        runs(100),
      );
    });
  }, PROPERTY_TIMEOUT_MS);

  it("the social sign-in start and callback answer every hostile form and query with a 4xx page, never a redirect, and write nothing", async () => {
    expect(ROUTES["POST /login/connection/:id"]).toBe("page form");
    expect(ROUTES["GET /oauth2/callback/:id"]).toBe("page query");
    expect(ROUTES["POST /oauth2/callback/:id"]).toBe("page form");
    const connection = fc.oneof(rawQueryJunk, fc.constantFrom("con_aaaaaaaaaaaaaaaaaaaaaaaaaa", "con_", "%00", "..", "con_aaaaaaaaaaaaaaaaaaaaaaaaaa%2F..")).map((id) => (id === "" ? "x" : id));
    const body = fc.oneof(
      rawQueryJunk,
      rawQueryJunk.map((junk) => `state=${junk}&code=${junk}`),
      rawQueryJunk.map((junk) => `key=${fixture.tenant.api_key}&csrf=${junk}`),
      rawQueryJunk.map((junk) => `error=access_denied&state=${junk}`),
      tooLong(256).map((state) => `state=${state}&code=c`),
      fc.constantFrom("", "state=a&state=b&code=c", "__proto__=1", `state=${"a".repeat(32)}&code=c`, `state=${"a".repeat(32)}&error=access_denied`, `key=${fixture.tenant.api_key}`),
    );
    const route = fc.constantFrom("POST /login/connection/", "GET /oauth2/callback/", "POST /oauth2/callback/");
    await assertNothingWritten(async () => {
      await fc.assert(
        fc.asyncProperty(route, connection, body, async (where, id, raw) => {
          const [method = "GET", prefix = ""] = where.split(" ");
          const headers: Record<string, string> = { "CF-Connecting-IP": clientIp(), "Content-Type": "application/x-www-form-urlencoded", Cookie: `portcullis_federation=${"b".repeat(32)}` };
          const response = method === "GET" ? await issuerFetch(`${prefix}${id}?${raw}`, { headers, redirect: "manual" }) : await issuerFetch(`${prefix}${id}`, { method, headers, body: raw, redirect: "manual" });
          if (response.status === 404) return;
          expect(response.headers.get("Location"), raw).toBeNull();
          await expectRefusalPage(response, [400, 403], `${where}${id} ${raw.slice(0, 80)}`);
        }),
        runs(100),
      );
    });
  }, PROPERTY_TIMEOUT_MS);

  it("GET /reset-password and GET /verify-email answer every hostile query with a 4xx page, never a form or a redirect, and writes nothing", async () => {
    expect(ROUTES["GET /reset-password"]).toBe("page query");
    expect(ROUTES["GET /verify-email"]).toBe("page query");
    const path = fc.constantFrom("/reset-password", "/verify-email");
    const query = fc.oneof(
      rawQueryJunk,
      rawQueryJunk.map((junk) => `token=${junk}`),
      rawQueryJunk.map((junk) => `key=${junk}`),
      tooLong(256).map((token) => `token=${token}`),
      fc.stringMatching(/^[A-Za-z0-9_-]{43}$/).map((token) => `token=${token}`),
      fc.constantFrom("", "token=", `token=${"A".repeat(43)}&token=${"B".repeat(43)}`, `token=${"A".repeat(43)}&next=https://evil.example`, "__proto__=1", "key=pk_x&key=pk_y", `request=${"A".repeat(9000)}`),
    );
    await assertNothingWritten(async () => {
      await fc.assert(
        fc.asyncProperty(path, query, async (where, raw) => {
          const response = await issuerFetch(`${where}?${raw}`, { headers: { "CF-Connecting-IP": clientIp() }, redirect: "manual" });
          expect(response.headers.get("Location"), raw).toBeNull();
          await expectRefusalPage(response, [400, 401], `${where} ${raw.slice(0, 80)}`);
        }),
        runs(100),
      );
    });
  }, PROPERTY_TIMEOUT_MS);

  it("GET /account answers every hostile query and forged session cookie with a signed-out 401 page, never a redirect, and writes nothing", async () => {
    expect(ROUTES["GET /account"]).toBe("page query");
    const query = fc.oneof(
      rawQueryJunk,
      rawQueryJunk.map((junk) => `key=${junk}`),
      tooLong(128).map((key) => `key=${key}`),
      fc.constantFrom("", "key=", "key=pk_x&key=pk_y", "__proto__=1", "account=tn_x", "ui_locales=%00"),
    );
    const cookie = fc.constantFrom(null, "portcullis_session=bs_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "portcullis_session=%00", `portcullis_session=${"b".repeat(5000)}`);
    await assertNothingWritten(async () => {
      await fc.assert(
        fc.asyncProperty(query, cookie, async (raw, jar) => {
          const headers: Record<string, string> = { "CF-Connecting-IP": clientIp() };
          if (jar !== null) headers.Cookie = jar;
          const response = await issuerFetch(`/account?${raw}`, { headers, redirect: "manual" });
          expect(response.headers.get("Location"), raw).toBeNull();
          await expectRefusalPage(response, [401], `account ${raw.slice(0, 80)}`);
        }),
        runs(60),
      );
    });
  }, PROPERTY_TIMEOUT_MS);

  it("POST /account/* answer every hostile form with a 4xx page and write nothing", async () => {
    const actions = Object.keys(ROUTES).filter((route) => route.startsWith("POST /account/")).map((route) => route.slice("POST ".length));
    for (const action of actions) expect(ROUTES[`POST ${action}`]).toBe("page form");
    const where = fc.constantFrom(...actions);
    const body = fc.oneof(
      rawQueryJunk,
      rawQueryJunk.map((junk) => `csrf=${junk}&session_id=${fixture.sessionIds[0] ?? ""}`),
      rawQueryJunk.map((junk) => `csrf=${junk}&confirm=yes`),
      fc.tuple(rawQueryJunk, unicodeText).map(([junk, text]) => new URLSearchParams({ csrf: junk, name: text, email: text, phone: text, code: text, new_password: text, passkey_id: text, credential: text }).toString()),
      tooLong(4096).map((password) => `csrf=x&new_password=${password}`),
      fc.constantFrom("", "csrf=", "csrf=a&csrf=b", "__proto__=1&csrf=x", `csrf=x&session_id=${fixture.sessionIds[0] ?? ""}&session_id=x`, "csrf=x&confirm=no"),
    );
    const contentType = fc.constantFrom("application/x-www-form-urlencoded", "application/json", "text/plain", null);
    const cookie = fc.constantFrom(null, "portcullis_csrf=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "portcullis_session=bs_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa; portcullis_csrf=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    await assertNothingWritten(async () => {
      await fc.assert(
        fc.asyncProperty(where, body, contentType, cookie, async (path, raw, type, jar) => {
          const headers: Record<string, string> = { "CF-Connecting-IP": clientIp() };
          if (type !== null) headers["Content-Type"] = type;
          if (jar !== null) headers.Cookie = jar;
          const response = await issuerFetch(path, { method: "POST", headers, body: raw, redirect: "manual" });
          expect(response.headers.get("Location"), raw).toBeNull();
          await expectRefusalPage(response, [400, 403, 413, 415], `${path} ${type ?? "no type"} ${raw.slice(0, 80)}`);
        }),
        runs(120),
      );
    });
  }, PROPERTY_TIMEOUT_MS);

  it("GET /oauth2/logout answers hostile queries with the signed-out page or a 400 page, never a redirect, and writes nothing", async () => {
    expect(ROUTES["GET /oauth2/logout"]).toBe("page query");
    const query = fc.oneof(
      rawQueryJunk,
      rawQueryJunk.map((junk) => `post_logout_redirect_uri=${junk}`),
      rawQueryJunk.map((junk) => `id_token_hint=${junk}&post_logout_redirect_uri=https://evil.example`),
      fc.constantFrom("post_logout_redirect_uri=https://evil.example&client_id=x", "id_token_hint=a.eyJhdWQiOiJ4In0.b&post_logout_redirect_uri=//evil.example", "client_id=__proto__&post_logout_redirect_uri=x"),
    );
    await assertNothingWritten(async () => {
      await fc.assert(
        fc.asyncProperty(query, async (raw) => {
          const response = await issuerFetch(`/oauth2/logout?${raw}`, { headers: { "CF-Connecting-IP": clientIp() }, redirect: "manual" });
          expect(response.headers.get("Location"), raw).toBeNull();
          await expectRefusalPage(response, [200, 400], `logout ${raw.slice(0, 80)}`);
        }),
        runs(60),
      );
    });
  }, PROPERTY_TIMEOUT_MS);

  it("GET /console/* behind the session answer every hostile query, path id and forged session cookie with a redirect to the console's sign-in, and write nothing", async () => {
    const pages = consoleRoutes("GET").filter((route) => route !== "/console" && route !== "/console/login");
    expect(pages.length).toBeGreaterThan(5);
    const cookie = fc.constantFrom(null, `portcullis_console=console_${"a".repeat(32)}`, "portcullis_console=%00", `portcullis_console=${"b".repeat(5000)}`, "portcullis_console=console_; portcullis_console=x");
    await assertNothingWritten(async () => {
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...pages), consoleId, rawQueryJunk, cookie, async (route, id, raw, jar) => {
          const headers: Record<string, string> = { "CF-Connecting-IP": clientIp() };
          if (jar !== null) headers.Cookie = jar;
          const response = await issuerFetch(`${consolePath(route, id)}?${raw}`, { headers, redirect: "manual" });
          // An id such as `..` takes the URL out of the console's routes altogether.
          if (isJsonNotFound(response)) return;
          const text = await response.text();
          const context = `${route} ${id} ${raw.slice(0, 60)}`;
          expect(response.status, context).toBe(303);
          expect(response.headers.get("Location"), context).toBe("/console/login");
          expect(response.headers.get("Content-Security-Policy"), context).toMatch(/^default-src 'none';/);
          expect(text, context).toBe("");
        }),
        runs(100),
      );
      // The home and the sign-in page read no query: one sends on, the other shows its form.
      const home = await issuerFetch("/console?__proto__=1&x=%00", { headers: { "CF-Connecting-IP": clientIp() }, redirect: "manual" });
      expect(home.status).toBe(303);
      const login = await issuerFetch("/console/login?next=https://evil.example&%00", { headers: { "CF-Connecting-IP": clientIp() }, redirect: "manual" });
      expect(login.status).toBe(200);
      expect(await login.text()).not.toContain("evil.example");
    });
  }, PROPERTY_TIMEOUT_MS);

  it("POST /console/* answer every hostile form, forged cookie and wrong media type with a 4xx page, and write nothing", async () => {
    const actions = consoleRoutes("POST");
    for (const action of actions) expect(ROUTES[`POST ${action}`]).toBe("page form");
    const body = fc.oneof(
      rawQueryJunk,
      rawQueryJunk.map((junk) => `csrf=${junk}&token=${env.ADMIN_TOKEN}`),
      rawQueryJunk.map((junk) => `csrf=${junk}&confirm=yes`),
      fc.tuple(rawQueryJunk, unicodeText).map(([junk, text]) => new URLSearchParams({ csrf: junk, name: text, token: text }).toString()),
      tooLong(1024).map((token) => `csrf=x&token=${token}`),
      fc.constantFrom("", "csrf=", "csrf=a&csrf=b", "__proto__=1&csrf=x", `token=${env.ADMIN_TOKEN}`, `csrf=${"0".repeat(64)}&token=${env.ADMIN_TOKEN}`, "csrf=x&confirm=no", "csrf=x&confirm=yes&confirm=yes"),
    );
    const contentType = fc.constantFrom("application/x-www-form-urlencoded", "application/json", "text/plain", "multipart/form-data; boundary=x", null);
    const cookie = fc.constantFrom(null, "portcullis_csrf=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", `portcullis_console=console_${"a".repeat(32)}; portcullis_csrf=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa`);
    await assertNothingWritten(async () => {
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...actions), consoleId, body, contentType, cookie, async (route, id, raw, type, jar) => {
          const headers: Record<string, string> = { "CF-Connecting-IP": clientIp() };
          if (type !== null) headers["Content-Type"] = type;
          if (jar !== null) headers.Cookie = jar;
          const response = await issuerFetch(consolePath(route, id), { method: "POST", headers, body: raw, redirect: "manual" });
          const path = consolePath(route, id);
          if (isJsonNotFound(response)) return;
          expect(response.headers.get("Location"), raw).toBeNull();
          await expectConsoleRefusal(response, [400, 403, 413, 415], `${path} ${type ?? "no type"} ${raw.slice(0, 80)}`);
        }),
        runs(120),
      );
      const huge = await issuerFetch("/console/login", { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", "CF-Connecting-IP": clientIp() }, body: `token=${"A".repeat(100_000)}` });
      await expectConsoleRefusal(huge, [413], "oversized form");
    });
  }, PROPERTY_TIMEOUT_MS);

  it("GET /console/* signed in answer every hostile query and path id with the page or a 4xx page, never a 500", async () => {
    const operator = await consoleOperatorCookie();
    const pages = consoleRoutes("GET").filter((route) => route !== "/console" && route !== "/console/login");
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...pages), consoleId, fc.oneof(rawQueryJunk, rawQueryJunk.map((junk) => `cursor=${junk}`), rawQueryJunk.map((junk) => `tenant_id=${junk}&q=${junk}`), rawQueryJunk.map((junk) => `type=${junk}&from=${junk}`), fc.constantFrom("cursor=a&cursor=b", "done=x", "q=%2B1", `q=${"a".repeat(400)}`)), async (route, id, raw) => {
        const response = await issuerFetch(`${consolePath(route, id)}?${raw}`, { headers: { "CF-Connecting-IP": clientIp(), Cookie: operator }, redirect: "manual" });
        if (isJsonNotFound(response)) return;
        const text = await response.text();
        const context = `${route} ${id} ${raw.slice(0, 60)} → ${response.status}`;
        expect([200, 400, 404], context).toContain(response.status);
        expect(response.headers.get("Content-Type"), context).toBe("text/html; charset=utf-8");
        // The pages' own markup has <select>, so only what could only come from a leak is looked for.
        expect(text, context).not.toMatch(/\n\s+at |syntax error|postgres|drizzle|zod|node_modules|\.ts:\d+|\.js:\d+/i);
      }),
      runs(100),
    );
  }, PROPERTY_TIMEOUT_MS);

  it("leaves the fixture's user signed in (no hostile request revoked or deleted anything)", async () => {
    const me = await issuerFetch("/api/auth/me", { headers: { Authorization: `Bearer ${fixture.user.token}`, "CF-Connecting-IP": freshIp() } });
    expect(me.status).toBe(200);
    const victim = await adminFetch(`/api/admin/users/${fixture.victimId}`);
    expect(victim.status).toBe(200);
  });

  it("notices a write, so an unchanged snapshot means something", async () => {
    const watched = { sessionIds: fixture.sessionIds, userIds: [fixture.user.id, fixture.victimId], countedClientIps: clientIps };
    const before = await snapshotState(watched);
    expect((await adminFetch(`/api/admin/users/${fixture.victimId}`, { method: "PATCH", headers: { "Content-Type": "application/json" }, body: '{"metadata":{"seen":1}}' })).status).toBe(200);
    const afterUpdate = await snapshotState(watched);
    expect(afterUpdate.users).not.toEqual(before.users);
    expect((await adminFetch(`/api/admin/users/${fixture.victimId}/revoke-sessions`, { method: "POST" })).status).toBe(200);
    expect((await snapshotState(watched)).revocations).not.toEqual(afterUpdate.revocations);
  });

  it("notices a Durable Object or KV write, beyond the counted client addresses", async () => {
    const watched = { sessionIds: fixture.sessionIds, userIds: [fixture.user.id, fixture.victimId], countedClientIps: clientIps };
    const lookups = await createTenant({ carrier_lookup: true });
    const before = await snapshotState(watched);
    // A code request writes the phone's guard, the tenant's velocity counters and (with carrier lookup) the KV cache.
    const requested = await issuerFetch("/api/auth/request", { method: "POST", headers: { "Content-Type": "application/json", "x-api-key": lookups.api_key, "CF-Connecting-IP": clientIp() }, body: JSON.stringify({ phone: freshPhone() }) });
    expect(requested.status).toBe(202);
    const after = await snapshotState(watched);
    const objects = (snapshot: typeof before) => snapshot.durable_objects as Record<string, Record<string, string>>;
    expect(Object.keys(objects(after).PHONE_CODES ?? {}).length).toBe(Object.keys(objects(before).PHONE_CODES ?? {}).length + 1);
    expect(objects(after).RATE_LIMITER).not.toEqual(objects(before).RATE_LIMITER);
    expect(after.kv).not.toEqual(before.kv);
    // A second code to the same phone changes only what the existing objects hold.
    const phone = fixture.user.phone;
    const again = await issuerFetch("/api/auth/request", { method: "POST", headers: { "Content-Type": "application/json", "x-api-key": fixture.tenant.api_key, "CF-Connecting-IP": clientIp() }, body: JSON.stringify({ phone }) });
    expect(again.status).toBe(202);
    const afterAgain = await snapshotState(watched);
    expect(Object.keys(objects(afterAgain).PHONE_CODES ?? {})).toEqual(Object.keys(objects(after).PHONE_CODES ?? {}));
    expect(objects(afterAgain).PHONE_CODES).not.toEqual(objects(after).PHONE_CODES);
  });
});

/**
 * Step-up at the gate (RFC 9470): a route may want a sign-in with two factors (`mfa`) and/or
 * one no older than `max_age` seconds. Tokens with a second factor are signed with the
 * issuer's real key (the second-factor sign-in lives in the issuer), from a real sign-in's
 * claims, so only `amr` and `auth_time` differ from what the issuer hands out.
 */
import { env, exports } from "cloudflare:workers";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { MFA_ACR } from "../../../shared/domain/authentication-methods";
import { DEVELOPMENT_POLICY, parsePolicy } from "../../../shared/domain/gate-policy";
import { verifyGateRequest } from "../../../sdk/src/server/gate-signature/verify";
import { createTenant, decodePayload, isolatedGate, issuerSigningKey, setRoles, signEs256, signIn, type OriginEcho, type Session } from "./support/gate-stack";

const POLICY = JSON.stringify([
  { path: "/admin/*", roles: ["admin"], mfa: true, max_age: 300 },
  { path: "/second-factor/*", mfa: true },
  { path: "/recent/*", max_age: 60 },
]);

const MFA_CHALLENGE = `Bearer error="insufficient_user_authentication", error_description="A sign-in with a second factor is required.", acr_values="${MFA_ACR}"`;
const RECENT_CHALLENGE = 'Bearer error="insufficient_user_authentication", error_description="A more recent sign-in is required."';

let key: Awaited<ReturnType<typeof issuerSigningKey>>;
let member: Session;
let admin: Session;

beforeAll(async () => {
  const tenant = await createTenant();
  member = await signIn(tenant);
  const promoted = await signIn(tenant);
  await setRoles(promoted.user_id, ["user", "admin"]);
  admin = await signIn(tenant, promoted.phone);
  key = await issuerSigningKey();
});

afterEach(() => {
  vi.useRealTimers();
});

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** The session's token as the issuer minted it, with `amr` and `auth_time` replaced (undefined: left out, as before they existed). */
async function tokenWith(session: Session, signInClaims: { amr?: string[]; auth_time?: number }): Promise<string> {
  const claims = decodePayload(session.token);
  delete claims.amr;
  delete claims.auth_time;
  return signEs256(key.privateKey, { alg: "ES256", kid: key.kid, typ: "at+jwt" }, { ...claims, jti: crypto.randomUUID(), ...signInClaims });
}

const bearer = (token: string, headers: Record<string, string> = {}) => ({ headers: { ...headers, Authorization: `Bearer ${token}` } });

async function expectStepUp(response: Response, challenge: string): Promise<void> {
  const body = await response.text();
  expect(response.status, body).toBe(401);
  expect(response.headers.get("WWW-Authenticate")).toBe(challenge);
  expect(JSON.parse(body)).toMatchObject({ error: { code: "insufficient_user_authentication" } });
}

async function echo(response: Response): Promise<OriginEcho> {
  expect(response.status, await response.clone().text()).toBe(200);
  return await response.json<OriginEcho>();
}

function verifyAtOrigin(forwarded: OriginEcho) {
  const query = forwarded.query === "" ? "" : `?${forwarded.query}`;
  return verifyGateRequest({ headers: forwarded.headers, method: forwarded.method, url: `${forwarded.path}${query}`, body: null, secret: env.GATE_SIGNING_SECRET, authority: env.ORIGIN_URL });
}

describe("a route that wants two factors and a recent sign-in", () => {
  it("lets a fresh two-factor token through, and tells the origin how and when it signed in, signed", async () => {
    const authTime = nowSeconds() - 30;
    const token = await tokenWith(admin, { amr: ["sms", "otp", "mfa"], auth_time: authTime });
    const forwarded = await echo(await isolatedGate({ GATE_POLICY: POLICY }).request("/admin/panel", bearer(token)));
    expect(forwarded.headers["x-portcullis-amr"]).toBe("sms,otp,mfa");
    expect(forwarded.headers["x-portcullis-auth-time"]).toBe(String(authTime));
    expect(await verifyAtOrigin(forwarded)).toMatchObject({ ok: true, identity: { kind: "user", userId: admin.user_id, amr: ["sms", "otp", "mfa"], authTime } });
  });

  it("answers a single-factor token with 401 and the challenge naming acr_values and the route's max_age", async () => {
    const gate = isolatedGate({ GATE_POLICY: POLICY });
    expect(decodePayload(admin.token)).toMatchObject({ amr: ["sms"] });
    await expectStepUp(await gate.request("/admin/panel", bearer(admin.token)), `${MFA_CHALLENGE}, max_age=300`);
    // A rule without max_age names none.
    await expectStepUp(await gate.request("/second-factor/x", bearer(member.token)), MFA_CHALLENGE);
  });

  it("answers a two-factor sign-in older than max_age with the challenge naming max_age only", async () => {
    const gate = isolatedGate({ GATE_POLICY: POLICY });
    const stale = await tokenWith(admin, { amr: ["sms", "otp", "mfa"], auth_time: nowSeconds() - 301 });
    await expectStepUp(await gate.request("/admin/panel", bearer(stale)), `${RECENT_CHALLENGE}, max_age=300`);
    const staleSingle = await tokenWith(member, { amr: ["sms"], auth_time: nowSeconds() - 61 });
    await expectStepUp(await gate.request("/recent/x", bearer(staleSingle)), `${RECENT_CHALLENGE}, max_age=60`);
    const freshSingle = await tokenWith(member, { amr: ["sms"], auth_time: nowSeconds() });
    expect((await gate.request("/recent/x", bearer(freshSingle))).status).toBe(200);
  });

  it("a token without the route's role gets 403 insufficient_scope first, though it lacks the second factor too", async () => {
    const gate = isolatedGate({ GATE_POLICY: POLICY });
    const response = await gate.request("/admin/panel", bearer(member.token));
    expect(response.status).toBe(403);
    expect(response.headers.get("WWW-Authenticate")).toBe('Bearer realm="portcullis", error="insufficient_scope", error_description="A required role is missing."');
    const twoFactorMember = await tokenWith(member, { amr: ["sms", "otp", "mfa"], auth_time: nowSeconds() });
    expect((await gate.request("/admin/panel", bearer(twoFactorMember))).status).toBe(403);
  });
});

describe("a token minted before amr and auth_time existed", () => {
  it("meets no step-up rule, but passes everywhere else and reaches the origin with no sign-in headers", async () => {
    const gate = isolatedGate({ GATE_POLICY: POLICY });
    const legacy = await tokenWith(admin, {});
    expect(decodePayload(legacy)).not.toHaveProperty("amr");
    await expectStepUp(await gate.request("/admin/panel", bearer(legacy)), `${MFA_CHALLENGE}, max_age=300`);
    await expectStepUp(await gate.request("/recent/x", bearer(legacy)), `${RECENT_CHALLENGE}, max_age=60`);

    const forwarded = await echo(await gate.request("/elsewhere", bearer(legacy)));
    expect(forwarded.headers["x-portcullis-amr"]).toBeUndefined();
    expect(forwarded.headers["x-portcullis-auth-time"]).toBeUndefined();
    expect(await verifyAtOrigin(forwarded)).toMatchObject({ ok: true, identity: { kind: "user", userId: admin.user_id, amr: [], authTime: null } });
  });
});

describe("sign-in headers sent by the client", () => {
  const SPOOFED = { "X-Portcullis-Amr": "pwd,otp,mfa", "X-Portcullis-Auth-Time": "9999999999", X_Portcullis_Amr: "mfa", "x-portcullis-amr-extra": "mfa" };

  it("a client's own X-Portcullis-Amr: mfa neither passes a step-up rule nor reaches the origin", async () => {
    const gate = isolatedGate({ GATE_POLICY: POLICY });
    await expectStepUp(await gate.request("/second-factor/x", bearer(member.token, SPOOFED)), MFA_CHALLENGE);

    const forwarded = await echo(await gate.request("/elsewhere", bearer(member.token, SPOOFED)));
    expect(forwarded.headers["x-portcullis-amr"]).toBe("sms");
    expect(forwarded.headers["x-portcullis-auth-time"]).toBe(String(decodePayload(member.token).auth_time));
    expect(forwarded.headers.x_portcullis_amr).toBeUndefined();
    expect(forwarded.headers["x-portcullis-amr-extra"]).toBeUndefined();
    expect(await verifyAtOrigin(forwarded)).toMatchObject({ ok: true, identity: { amr: ["sms"] } });
  });

  it("is stripped for a legacy token and on a public route, where the gate sets none of its own", async () => {
    const gate = isolatedGate({ GATE_POLICY: JSON.stringify([{ path: "/public/*", access: "public" }]) });
    for (const forwarded of [await echo(await gate.request("/elsewhere", bearer(await tokenWith(member, {}), SPOOFED))), await echo(await gate.request("/public/x", { headers: SPOOFED }))]) {
      for (const name of ["x-portcullis-amr", "x-portcullis-auth-time", "x_portcullis_amr", "x-portcullis-amr-extra"]) expect(forwarded.headers[name], name).toBeUndefined();
      expect((await verifyAtOrigin(forwarded)).ok).toBe(true);
    }
  });
});

describe("tokens the gate has verified before", () => {
  it("are judged against max_age on every request: the same cached token passes, then is refused once its sign-in is too old", async () => {
    const start = Date.now();
    vi.useFakeTimers({ toFake: ["Date"], now: start });
    const gate = isolatedGate({ GATE_POLICY: POLICY });
    // Exactly at the limit of the /recent/* rule: accepted now, too old a second later.
    const token = await tokenWith(member, { amr: ["sms"], auth_time: Math.floor(start / 1000) - 60 });
    expect((await gate.request("/recent/x", bearer(token))).status).toBe(200);
    expect(gate.deps.verified.get(token, Math.floor(start / 1000))).toBeDefined();

    vi.setSystemTime(start + 1_000);
    await expectStepUp(await gate.request("/recent/x", bearer(token)), `${RECENT_CHALLENGE}, max_age=60`);
    // Refused from the cache, not because the cache forgot it.
    expect(gate.deps.verified.get(token, Math.floor(start / 1000) + 1)).toBeDefined();
    expect((await gate.request("/elsewhere", bearer(token))).status).toBe(200);
  });
});

describe("the development policy", () => {
  it("is the one in workers/gate/wrangler.toml: /admin/* wants the role admin and two factors", () => {
    expect(parsePolicy(JSON.parse(env.GATE_POLICY))).toEqual(parsePolicy(DEVELOPMENT_POLICY));
  });

  it("refuses a single-factor admin token on /admin/* with the RFC 9470 challenge, and lets a two-factor one through", async () => {
    const fetchGate = (token: string) => exports.default.fetch(new Request("http://gate.test/admin/panel", bearer(token)));
    await expectStepUp(await fetchGate(admin.token), MFA_CHALLENGE);
    expect((await fetchGate(await tokenWith(admin, { amr: ["sms", "otp", "mfa"], auth_time: nowSeconds() }))).status).toBe(200);
  });
});

import { Redis } from "@upstash/redis/cloudflare";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { sessions } from "../../../drizzle/schema";
import { neonSessionStore } from "../../../shared/adapters/neon/session-store";
import { newId } from "../../../shared/crypto/ids";
import { sessionKey } from "../../../shared/domain/revocation-entries";
import { testDb } from "./support/account-rows";
import {
  adminFetch,
  createTenant,
  decodeJwtPart,
  expectError,
  freshPhone,
  issuerFetch,
  jsonRequest,
  latestCode,
  refresh,
  requestCode,
  signIn,
  withBearer,
  type SignedIn,
  type TenantCredentials,
} from "./support/issuer-client";

const redis = new Redis({ url: env.UPSTASH_REDIS_REST_URL, token: env.UPSTASH_REDIS_REST_TOKEN });

interface DeviceSession {
  session_id: string;
  created_at: string;
  last_used_at: string;
  ip: string | null;
  user_agent: string | null;
  current: boolean;
  amr: string[];
}

function sidOf(token: string): string {
  return String(decodeJwtPart(token, 1).sid);
}

function listSessions(token: string): Promise<Response> {
  return issuerFetch("/api/auth/sessions", withBearer(token));
}

async function sessionIds(token: string): Promise<string[]> {
  const response = await listSessions(token);
  expect(response.status).toBe(200);
  return (await response.json<{ sessions: DeviceSession[] }>()).sessions.map((session) => session.session_id);
}

function deleteSession(token: string, id: string): Promise<Response> {
  return issuerFetch(`/api/auth/sessions/${id}`, withBearer(token, { method: "DELETE" }));
}

/** A sign-in from a named device: its address and user agent are what the list shows. */
async function signInFrom(tenant: TenantCredentials, phone: string, device: { ip: string; userAgent: string }): Promise<SignedIn> {
  expect((await requestCode(tenant.api_key, phone)).status).toBe(202);
  const verified = await issuerFetch(
    "/api/auth/verify",
    jsonRequest("POST", { phone, code: await latestCode(phone) }, { "x-api-key": tenant.api_key, "CF-Connecting-IP": device.ip, "User-Agent": device.userAgent }),
  );
  expect(verified.status, await verified.clone().text()).toBe(200);
  return verified.json<SignedIn>();
}

function me(token: string): Promise<Response> {
  return issuerFetch("/api/auth/me", withBearer(token));
}

describe("GET /api/auth/sessions", () => {
  it("lists the user's live sessions newest first, marks the asking one current, and shows each device and how it signed in", async () => {
    const tenant = await createTenant();
    const phone = freshPhone();
    const laptop = await signInFrom(tenant, phone, { ip: "198.51.100.7", userAgent: "laptop-browser/1.0" });
    const phoneApp = await signInFrom(tenant, phone, { ip: "198.51.100.8", userAgent: "phone-app/2.0" });
    const response = await listSessions(laptop.token);
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const body = await response.json<{ sessions: DeviceSession[] }>();
    expect(body.sessions).toEqual([
      { session_id: sidOf(phoneApp.token), created_at: expect.stringMatching(/Z$/), last_used_at: expect.stringMatching(/Z$/), ip: "198.51.100.8", user_agent: "phone-app/2.0", current: false, amr: ["sms"] },
      { session_id: sidOf(laptop.token), created_at: expect.stringMatching(/Z$/), last_used_at: expect.stringMatching(/Z$/), ip: "198.51.100.7", user_agent: "laptop-browser/1.0", current: true, amr: ["sms"] },
    ]);
    // Never refreshed: last used when it was opened.
    expect(body.sessions[1]?.last_used_at).toBe(body.sessions[1]?.created_at);
  });

  it("leaves out revoked and expired sessions, and other users' sessions", async () => {
    const tenant = await createTenant();
    const kept = await signIn(tenant);
    const loggedOut = await signIn(tenant, kept.phone);
    const expired = await signIn(tenant, kept.phone);
    const stranger = await signIn(tenant);
    expect((await issuerFetch("/api/auth/logout", withBearer(loggedOut.token, { method: "POST" }))).status).toBe(204);
    await testDb.update(sessions).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(sessions.id, sidOf(expired.token)));
    expect(await sessionIds(kept.token)).toEqual([sidOf(kept.token)]);
    expect(await sessionIds(stranger.token)).toEqual([sidOf(stranger.token)]);
  });

  it("shows the amr its sign-in path wrote, not the column's default", async () => {
    const tenant = await createTenant();
    const user = await signIn(tenant);
    // A session opened by another path (as a password sign-in will) keeps the methods it states.
    const opened = await neonSessionStore(testDb).openForPhone({
      tenantId: tenant.tenant_id,
      phone: user.phone,
      newUser: { id: newId("usr"), roles: ["user"] },
      session: { id: newId("ses"), refreshTokenHash: crypto.randomUUID(), expiresAt: new Date(Date.now() + 3600_000), ip: null, userAgent: null, amr: ["pwd", "otp"], authTime: new Date() },
    });
    expect(opened.kind).toBe("opened");
    const listed = (await (await listSessions(user.token)).json<{ sessions: DeviceSession[] }>()).sessions;
    expect(listed.map((session) => session.amr)).toEqual([["pwd", "otp"], ["sms"]]);
  });

  it("moves last_used_at forward on every refresh", async () => {
    const tenant = await createTenant();
    const user = await signIn(tenant);
    const first = await refresh(tenant.api_key, user.refresh_token);
    expect(first.status).toBe(200);
    const afterFirst = (await (await listSessions(user.token)).json<{ sessions: DeviceSession[] }>()).sessions[0];
    expect(afterFirst && Date.parse(afterFirst.last_used_at)).toBeGreaterThan(Date.parse(afterFirst?.created_at ?? ""));
    const second = await refresh(tenant.api_key, (await first.json<{ refresh_token: string }>()).refresh_token);
    expect(second.status).toBe(200);
    const afterSecond = (await (await listSessions(user.token)).json<{ sessions: DeviceSession[] }>()).sessions[0];
    expect(Date.parse(afterSecond?.last_used_at ?? "")).toBeGreaterThan(Date.parse(afterFirst?.last_used_at ?? ""));
  });

  it("answers 401 invalid_token without a token, with garbage, or with a revoked token", async () => {
    const tenant = await createTenant();
    const user = await signIn(tenant);
    const missing = await issuerFetch("/api/auth/sessions");
    await expectError(missing, 401, "invalid_token");
    expect(missing.headers.get("WWW-Authenticate")).toMatch(/^Bearer /);
    await expectError(await listSessions("not.a.jwt"), 401, "invalid_token");
    await expectError(await listSessions(tenant.api_key), 401, "invalid_token");
    await issuerFetch("/api/auth/logout", withBearer(user.token, { method: "POST" }));
    await expectError(await listSessions(user.token), 401, "invalid_token");
  });
});

describe("DELETE /api/auth/sessions/{id}", () => {
  it("signs the other device out: its refresh token gets invalid_grant, its access token 401, and the gate's list has the session", async () => {
    const tenant = await createTenant();
    const here = await signIn(tenant);
    const there = await signIn(tenant, here.phone);
    const theirs = sidOf(there.token);
    const response = await deleteSession(here.token, theirs);
    expect(response.status).toBe(204);
    expect(await response.text()).toBe("");
    await expectError(await refresh(tenant.api_key, there.refresh_token), 401, "invalid_grant");
    await expectError(await me(there.token), 401, "invalid_token");
    expect(await redis.get(sessionKey(theirs))).not.toBeNull();
    expect(await redis.pttl(sessionKey(theirs))).toBeGreaterThan(0);
    // The asking device stays signed in and no longer sees the other one.
    expect((await me(here.token)).status).toBe(200);
    expect(await sessionIds(here.token)).toEqual([sidOf(here.token)]);
    const audit = await (await adminFetch(`/api/admin/audit?user_id=${here.user_id}&type=auth.session_revoked`)).json<{ events: { outcome: string; details: Record<string, unknown> }[] }>();
    expect(audit.events).toEqual([expect.objectContaining({ outcome: "success", details: expect.objectContaining({ session_id: theirs, current: false, already_ended: false }) })]);
  });

  it("signs out the asking device itself, like logout", async () => {
    const tenant = await createTenant();
    const user = await signIn(tenant);
    expect((await deleteSession(user.token, sidOf(user.token))).status).toBe(204);
    await expectError(await me(user.token), 401, "invalid_token");
    await expectError(await refresh(tenant.api_key, user.refresh_token), 401, "invalid_grant");
  });

  it("answers 204 again for the user's own session that has already ended, changing nothing", async () => {
    const tenant = await createTenant();
    const here = await signIn(tenant);
    const there = await signIn(tenant, here.phone);
    expect((await issuerFetch("/api/auth/logout", withBearer(there.token, { method: "POST" }))).status).toBe(204);
    const before = await redis.get(sessionKey(sidOf(there.token)));
    expect((await deleteSession(here.token, sidOf(there.token))).status).toBe(204);
    expect(await redis.get(sessionKey(sidOf(there.token)))).toEqual(before);
    const [row] = await testDb.select().from(sessions).where(eq(sessions.id, sidOf(there.token)));
    expect(row?.revokeReason).toBe("logout");
  });

  it("refuses to sign out another user's session with 404 not_found, and that session keeps working", async () => {
    const tenant = await createTenant();
    const attacker = await signIn(tenant);
    const victim = await signIn(tenant);
    const victimSid = sidOf(victim.token);
    const response = await deleteSession(attacker.token, victimSid);
    const body = await expectError(response, 404, "not_found");
    // The same answer as for an id that names nothing: no probing whose sessions exist.
    const unknown = await expectError(await deleteSession(attacker.token, "ses_00000000000000000000000000"), 404, "not_found");
    expect(unknown.error.message).toBe(body.error.message);
    expect(await redis.get(sessionKey(victimSid))).toBeNull();
    expect((await me(victim.token)).status).toBe(200);
    expect((await refresh(tenant.api_key, victim.refresh_token)).status).toBe(200);
    const [row] = await testDb.select().from(sessions).where(eq(sessions.id, victimSid));
    expect(row?.revokedAt).toBeNull();
  });

  it("refuses to sign out a session of another tenant with 404 not_found", async () => {
    const tenant = await createTenant();
    const other = await createTenant();
    const attacker = await signIn(tenant);
    const victim = await signIn(other);
    await expectError(await deleteSession(attacker.token, sidOf(victim.token)), 404, "not_found");
    expect((await me(victim.token)).status).toBe(200);
    expect(await redis.get(sessionKey(sidOf(victim.token)))).toBeNull();
  });

  it.each([
    ["an over-long id", `ses_${"a".repeat(500)}`],
    ["garbage", "%00%27%20or%201=1--"],
    ["an id of another kind", "usr_00000000000000000000000000"],
    ["an id outside the alphabet", "ses_uuuuuuuuuuuuuuuuuuuuuuuuuu"],
    ["a path escape", "..%2F..%2Fadmin"],
  ])("answers %s with 404 not_found, never a 5xx", async (_label, id) => {
    const tenant = await createTenant();
    const user = await signIn(tenant);
    await expectError(await deleteSession(user.token, id), 404, "not_found");
    expect((await me(user.token)).status).toBe(200);
  });

  it("needs the user's access token: none or a refresh token is 401 invalid_token, and nothing is revoked", async () => {
    const tenant = await createTenant();
    const user = await signIn(tenant);
    await expectError(await issuerFetch(`/api/auth/sessions/${sidOf(user.token)}`, { method: "DELETE" }), 401, "invalid_token");
    await expectError(await deleteSession(user.refresh_token, sidOf(user.token)), 401, "invalid_token");
    expect((await me(user.token)).status).toBe(200);
  });

  it("lets an allowed browser origin sign a device out: the preflight allows DELETE", async () => {
    const origin = `https://devices-${crypto.randomUUID().slice(0, 8)}.example.org`;
    await createTenant({ cors_origins: [origin] });
    const response = await issuerFetch("/api/auth/sessions/ses_00000000000000000000000000", {
      method: "OPTIONS",
      headers: { Origin: origin, "Access-Control-Request-Method": "DELETE", "Access-Control-Request-Headers": "authorization" },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe(origin);
    expect(response.headers.get("Access-Control-Allow-Methods")?.split(", ")).toContain("DELETE");
  });

  it("refuses a body with 400, revoking nothing", async () => {
    const tenant = await createTenant();
    const here = await signIn(tenant);
    const there = await signIn(tenant, here.phone);
    const response = await issuerFetch(`/api/auth/sessions/${sidOf(there.token)}`, withBearer(here.token, jsonRequest("DELETE", { everywhere: true })));
    expect(response.status).toBe(400);
    expect((await me(there.token)).status).toBe(200);
  });
});

import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createDatabase } from "../../../shared/adapters/neon/database";
import { passwordUser } from "./support/accounts-client";
import { createTenant, decodeJwtPart, issuerFetch, jsonRequest, refresh, signIn, withBearer } from "./support/issuer-client";

const db = createDatabase({ url: env.DATABASE_URL, fetchEndpoint: env.NEON_FETCH_ENDPOINT });

function claimsOf(token: string): Record<string, unknown> {
  return decodeJwtPart(token, 1);
}

/** Moves a session's sign-in moment back, as if the user had signed in `seconds` earlier. */
async function ageSignIn(sessionId: string, seconds: number): Promise<void> {
  await db.execute(sql`update sessions set auth_time = auth_time - make_interval(secs => ${seconds}) where id = ${sessionId}`);
}

describe("auth_time and amr in access tokens", () => {
  it("puts the phone sign-in's moment and amr sms in the token", async () => {
    const tenant = await createTenant();
    const before = Math.floor(Date.now() / 1000);
    const session = await signIn(tenant);
    const claims = claimsOf(session.token);
    expect(claims.amr).toEqual(["sms"]);
    expect(claims.auth_time).toBeGreaterThanOrEqual(before - 1);
    expect(claims.auth_time).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 1);
  });

  it("puts amr pwd in a password sign-in's token", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    expect(claimsOf(user.token).amr).toEqual(["pwd"]);
  });

  it("keeps the original auth_time and amr through refreshes, so a refresh never makes a sign-in look recent", async () => {
    const tenant = await createTenant();
    const session = await signIn(tenant);
    const sessionId = String(claimsOf(session.token).sid);
    await ageSignIn(sessionId, 3600);
    const first = await (await refresh(tenant.api_key, session.refresh_token)).json<{ token: string; refresh_token: string }>();
    const second = await (await refresh(tenant.api_key, first.refresh_token)).json<{ token: string }>();
    const original = Number(claimsOf(session.token).auth_time);
    for (const token of [first.token, second.token]) {
      expect(claimsOf(token).auth_time).toBe(original - 3600);
      expect(claimsOf(token).amr).toEqual(["sms"]);
      expect(Number(claimsOf(token).iat)).toBeGreaterThan(original - 3600);
    }
  });

  it("returns auth_time and amr from introspection", async () => {
    const tenant = await createTenant();
    const session = await signIn(tenant);
    const response = await issuerFetch("/api/auth/introspect", withBearer(tenant.secret_key, jsonRequest("POST", { token: session.token })));
    expect(response.status).toBe(200);
    const body = await response.json<Record<string, unknown>>();
    expect(body).toMatchObject({ active: true, amr: ["sms"], auth_time: claimsOf(session.token).auth_time });
  });
});

/**
 * Drives the passkey routes the way a browser app does, with a software authenticator
 * (nid-webauthn-emulator) that runs on the Node side of the test (workerd has no node:crypto).
 */
import { eq } from "drizzle-orm";
import { expect, inject } from "vitest";
import { passkeys, webauthnChallenges } from "../../../../drizzle/schema";
import type { AuthenticatorBehaviour, AuthenticatorState } from "../../../../dev/passkey/software-authenticator";
import { testDb } from "./account-rows";
import { adminFetch, freshIp, issuerFetch, jsonRequest, withBearer, ISSUER } from "./issuer-client";

/** The issuer's own origin in the tests: the default RP id is its host. */
export const ISSUER_ORIGIN = ISSUER;

export interface OptionsAnswer {
  readonly challenge_id: string;
  readonly options: Record<string, unknown> & { challenge: string };
}

/** A software authenticator whose keys the test holds; `clone()` copies it as it is now, counter included. */
export class SoftwareAuthenticator {
  state: AuthenticatorState = { credentials: {} };

  constructor(readonly behaviour: AuthenticatorBehaviour = {}) {}

  clone(): SoftwareAuthenticator {
    const copy = new SoftwareAuthenticator(this.behaviour);
    copy.state = this.state;
    return copy;
  }

  create(origin: string, options: Record<string, unknown>): Promise<Record<string, unknown>> {
    return this.#ceremony("/create", origin, options);
  }

  get(origin: string, options: Record<string, unknown>): Promise<Record<string, unknown>> {
    return this.#ceremony("/get", origin, options);
  }

  async #ceremony(path: string, origin: string, options: Record<string, unknown>): Promise<Record<string, unknown>> {
    const response = await fetch(`${inject("passkeyAuthenticatorUrl")}${path}`, jsonRequest("POST", { state: this.state, origin, options, behaviour: this.behaviour }));
    const body = await response.json<{ credential: Record<string, unknown>; state: AuthenticatorState; error?: string }>();
    if (response.status !== 200) throw new Error(`the authenticator refused: ${body.error ?? response.status}`);
    this.state = body.state;
    return body.credential;
  }
}

export function registerOptions(accessToken: string): Promise<Response> {
  return issuerFetch("/api/auth/passkeys/register/options", withBearer(accessToken, { method: "POST" }));
}

export function register(accessToken: string, body: unknown): Promise<Response> {
  return issuerFetch("/api/auth/passkeys/register", withBearer(accessToken, jsonRequest("POST", body)));
}

export function loginOptions(apiKey: string): Promise<Response> {
  return issuerFetch("/api/auth/passkeys/login/options", jsonRequest("POST", {}, { "x-api-key": apiKey, "CF-Connecting-IP": freshIp() }));
}

export function passkeyLogin(apiKey: string, body: unknown): Promise<Response> {
  return issuerFetch("/api/auth/passkeys/login", jsonRequest("POST", body, { "x-api-key": apiKey, "CF-Connecting-IP": freshIp() }));
}

export function listPasskeys(accessToken: string): Promise<Response> {
  return issuerFetch("/api/auth/passkeys", withBearer(accessToken));
}

export function deletePasskey(accessToken: string, passkeyId: string): Promise<Response> {
  return issuerFetch(`/api/auth/passkeys/${passkeyId}`, withBearer(accessToken, { method: "DELETE" }));
}

export async function options(response: Response): Promise<OptionsAnswer> {
  expect(response.status, await response.clone().text()).toBe(200);
  return response.json<OptionsAnswer>();
}

/** Options → authenticator → register: the new passkey's id. */
export async function addPasskey(accessToken: string, authenticator: SoftwareAuthenticator, origin = ISSUER_ORIGIN, name?: string): Promise<{ passkey_id: string; name: string; created_at: string }> {
  const { challenge_id, options: creation } = await options(await registerOptions(accessToken));
  const credential = await authenticator.create(origin, creation);
  const response = await register(accessToken, { challenge_id, credential, ...(name === undefined ? {} : { name }) });
  expect(response.status, await response.clone().text()).toBe(201);
  return response.json();
}

/** Options → authenticator: a login body ready to send (or to tamper with). */
export async function assertion(apiKey: string, authenticator: SoftwareAuthenticator, origin = ISSUER_ORIGIN, tamper: (options: Record<string, unknown>) => Record<string, unknown> = (o) => o): Promise<{ challenge_id: string; credential: Record<string, unknown> }> {
  const { challenge_id, options: request } = await options(await loginOptions(apiKey));
  return { challenge_id, credential: await authenticator.get(origin, tamper(request)) };
}

export async function storedPasskey(passkeyId: string): Promise<typeof passkeys.$inferSelect | undefined> {
  const [row] = await testDb.select().from(passkeys).where(eq(passkeys.id, passkeyId));
  return row;
}

export async function expireChallenge(challengeId: string): Promise<void> {
  await testDb.update(webauthnChallenges).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(webauthnChallenges.id, challengeId));
}

export async function challengeRow(challengeId: string): Promise<typeof webauthnChallenges.$inferSelect | undefined> {
  const [row] = await testDb.select().from(webauthnChallenges).where(eq(webauthnChallenges.id, challengeId));
  return row;
}

export interface AuditRow {
  readonly type: string;
  readonly outcome: string;
  readonly user_id: string | null;
  readonly details: Record<string, unknown>;
}

export async function auditOf(tenantId: string, type: string): Promise<AuditRow[]> {
  const response = await adminFetch(`/api/admin/audit?tenant_id=${tenantId}&type=${type}&limit=100`);
  expect(response.status).toBe(200);
  return (await response.json<{ events: AuditRow[] }>()).events;
}


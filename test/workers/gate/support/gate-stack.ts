/**
 * For the gate's tests: the real issuer runs beside the gate (its deploy
 * bundle, behind the gate's service binding), so tokens come from a real
 * sign-in, and forged tokens are signed with the issuer's real current key.
 */
import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { and, eq } from "drizzle-orm";
import { expect, inject } from "vitest";
import { signingKeys } from "../../../../drizzle/schema";
import { createDatabase } from "../../../../shared/adapters/neon/database";
import { encodeBase64Url } from "../../../../shared/crypto/base64url";
import { openSecret } from "../../../../shared/crypto/key-encryption";
import { createGateApp } from "../../../../workers/gate/app";
import { gateDeps, type GateDeps } from "../../../../workers/gate/deps";
import { codeInSms, freshIp, freshPhone } from "../../../support/test-identities";

export { freshPhone };

export const GATE = "http://gate.test";
const ISSUER = "http://issuer.test";

const issuerBindings = inject("issuerBindings");

export function issuerCall(path: string, init: RequestInit = {}): Promise<Response> {
  return env.ISSUER.fetch(new Request(`${ISSUER}${path}`, init));
}

export interface Tenant {
  readonly tenant_id: string;
  readonly api_key: string;
  readonly secret_key: string;
}

export async function createTenant(settings: Record<string, unknown> = {}): Promise<Tenant> {
  const slug = `g-${crypto.randomUUID().slice(0, 12)}`;
  const response = await issuerCall("/api/admin/tenants", {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${issuerBindings.ADMIN_TOKEN ?? ""}` },
    body: JSON.stringify({ name: slug, slug, settings }),
  });
  expect(response.status, await response.clone().text()).toBe(201);
  return await response.json<Tenant>();
}

export interface Session {
  readonly token: string;
  readonly refresh_token: string;
  readonly user_id: string;
  readonly phone: string;
}

/** A real sign-in through the issuer: request, read the SMS in the sandbox, verify. */
export async function signIn(tenant: Tenant, phone = freshPhone()): Promise<Session> {
  const headers = { "Content-Type": "application/json", "x-api-key": tenant.api_key, "CF-Connecting-IP": freshIp() };
  const requested = await issuerCall("/api/auth/request", { method: "POST", headers, body: JSON.stringify({ phone }) });
  expect(requested.status, await requested.clone().text()).toBe(202);
  const inbox = (await (await fetch(`${inject("smsSandboxUrl")}/messages?to=${encodeURIComponent(phone)}`)).json<{ messages: { body: string }[] }>());
  const code = codeInSms(inbox.messages[0]?.body) ?? "";
  const verified = await issuerCall("/api/auth/verify", { method: "POST", headers, body: JSON.stringify({ phone, code }) });
  expect(verified.status, await verified.clone().text()).toBe(200);
  return { ...(await verified.json<Omit<Session, "phone">>()), phone };
}

export async function setRoles(userId: string, roles: string[]): Promise<void> {
  const response = await issuerCall(`/api/admin/users/${userId}`, {
    method: "PATCH",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${issuerBindings.ADMIN_TOKEN ?? ""}` },
    body: JSON.stringify({ roles }),
  });
  expect(response.status).toBe(200);
}

export async function logout(token: string): Promise<void> {
  const response = await issuerCall("/api/auth/logout", { method: "POST", headers: { Authorization: `Bearer ${token}`, "CF-Connecting-IP": freshIp() } });
  expect(response.status).toBe(204);
}

/** The issuer's current signing key, opened with its secret: the key the gate trusts. */
export async function issuerSigningKey(alg: "ES256" | "RS256" = "ES256"): Promise<{ kid: string; privateKey: CryptoKey; publicJwk: Record<string, string> }> {
  // Make sure keys exist and are published.
  expect((await issuerCall("/.well-known/jwks.json")).status).toBe(200);
  const db = createDatabase({ url: issuerBindings.DATABASE_URL ?? "", fetchEndpoint: issuerBindings.NEON_FETCH_ENDPOINT ?? "" });
  const [row] = await db.select().from(signingKeys).where(and(eq(signingKeys.state, "current"), eq(signingKeys.alg, alg)));
  if (!row) throw new Error("the issuer has no current signing key");
  const opened = await openSecret(issuerBindings.KEY_ENCRYPTION_SECRET ?? "", "signing-key", row.encryptedPrivateKey, row.kid);
  if (opened === null) throw new Error("cannot open the issuer's signing key");
  const algorithm = alg === "RS256" ? { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" } : { name: "ECDSA", namedCurve: "P-256" };
  const privateKey = await crypto.subtle.importKey("jwk", JSON.parse(opened) as JsonWebKey, algorithm, false, ["sign"]);
  return { kid: row.kid, privateKey, publicJwk: row.publicJwk };
}

/** Signs `header.payload` with RSASSA-PKCS1-v1_5 / SHA-256 (RS256). */
export async function signRs256(privateKey: CryptoKey, header: unknown, payload: unknown): Promise<string> {
  const signingInput = `${encodeJson(header)}.${encodeJson(payload)}`;
  const signature = await crypto.subtle.sign({ name: "RSASSA-PKCS1-v1_5" }, privateKey, encoder.encode(signingInput));
  return `${signingInput}.${encodeBase64Url(new Uint8Array(signature))}`;
}

const encoder = new TextEncoder();

export function encodeJson(value: unknown): string {
  return encodeBase64Url(encoder.encode(typeof value === "string" ? value : JSON.stringify(value)));
}

/** Signs `header.payload` (given as JSON values or raw JSON text) with ES256. */
export async function signEs256(privateKey: CryptoKey, header: unknown, payload: unknown): Promise<string> {
  const signingInput = `${encodeJson(header)}.${encodeJson(payload)}`;
  const signature = await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, privateKey, encoder.encode(signingInput));
  return `${signingInput}.${encodeBase64Url(new Uint8Array(signature))}`;
}

export async function signHs256(secret: Uint8Array, header: unknown, payload: unknown): Promise<string> {
  const key = await crypto.subtle.importKey("raw", secret, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const signingInput = `${encodeJson(header)}.${encodeJson(payload)}`;
  const signature = await crypto.subtle.sign("HMAC", key, encoder.encode(signingInput));
  return `${signingInput}.${encodeBase64Url(new Uint8Array(signature))}`;
}

export function decodePayload(token: string): Record<string, unknown> {
  const part = token.split(".")[1] ?? "";
  const base64 = part.replace(/-/g, "+").replace(/_/g, "/");
  return JSON.parse(atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, "="))) as Record<string, unknown>;
}

/** A gate of our own, so a test can read its caches' counters and change its configuration. */
export function isolatedGate(overrides: Record<string, string> = {}): { deps: GateDeps; request(path: string, init?: RequestInit): Promise<Response> } {
  const gateEnv = { ...env, ...overrides };
  const deps = gateDeps(gateEnv);
  const app = createGateApp(() => deps);
  return {
    deps,
    async request(path, init = {}) {
      const ctx = createExecutionContext();
      const response = await app.request(`${GATE}${path}`, init, gateEnv, ctx);
      await waitOnExecutionContext(ctx);
      return response;
    },
  };
}

export interface OriginEcho {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly headers: Record<string, string>;
  readonly body_bytes: number;
}

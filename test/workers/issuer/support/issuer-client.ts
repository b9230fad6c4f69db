/**
 * Drives the issuer the way a client does: over HTTP, through the worker's own
 * fetch handler, with codes read from the SMS sandbox's inbox.
 */
import { env, exports } from "cloudflare:workers";
import { expect, inject } from "vitest";
import { departureFromDocument } from "./api-conformance";
import { codeInSms, freshIp, freshPhone } from "../../../support/test-identities";

export { freshIp, freshPhone };

export const ISSUER = "http://issuer.test";

export interface TenantCredentials {
  readonly tenant_id: string;
  readonly api_key: string;
  readonly secret_key: string;
  readonly settings: Record<string, unknown>;
}

export interface TokenPairBody {
  readonly token: string;
  readonly refresh_token: string;
  readonly token_type: string;
  readonly expires_in: number;
}

export interface SignedIn extends TokenPairBody {
  readonly verified: true;
  readonly user_id: string;
  readonly is_new_user: boolean;
}

export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly [extra: string]: unknown };
}

/** One request to the issuer; its answer must be one the API description promises (see api-conformance.ts). */
export function issuerFetch(path: string, init: RequestInit = {}): Promise<Response> {
  return issuerRequest(new Request(`${ISSUER}${path}`, init));
}

/** As issuerFetch, for a request built by the caller (with `cf` properties, say). */
export async function issuerRequest(request: Request): Promise<Response> {
  const { method, url } = request;
  const response = await exports.default.fetch(request);
  const departure = await departureFromDocument({ method, url }, response);
  if (departure !== null) throw new Error(`The answer departs from the API description: ${departure}`);
  return response;
}

export function jsonRequest(method: string, body: unknown, headers: Record<string, string> = {}): RequestInit {
  return { method, headers: { "Content-Type": "application/json", ...headers }, body: JSON.stringify(body) };
}

export function adminFetch(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set("Authorization", `Bearer ${env.ADMIN_TOKEN}`);
  return issuerFetch(path, { ...init, headers });
}

export async function createTenant(settings: Record<string, unknown> = {}): Promise<TenantCredentials> {
  const slug = `t-${crypto.randomUUID().slice(0, 12)}`;
  const response = await adminFetch("/api/admin/tenants", jsonRequest("POST", { name: `Tenant ${slug}`, slug, settings }));
  expect(response.status, await response.clone().text()).toBe(201);
  return await response.json<TenantCredentials>();
}

export async function expectError(response: Response, status: number, code: string): Promise<ErrorBody> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  const body = JSON.parse(text) as ErrorBody;
  expect(body.error.code).toBe(code);
  expect(body.error.message).toEqual(expect.any(String));
  return body;
}

export function requestCode(apiKey: string, phone: string, ip = freshIp()): Promise<Response> {
  return issuerFetch("/api/auth/request", jsonRequest("POST", { phone }, { "x-api-key": apiKey, "CF-Connecting-IP": ip }));
}

export function verifyCode(apiKey: string, phone: string, code: string, ip = freshIp()): Promise<Response> {
  return issuerFetch("/api/auth/verify", jsonRequest("POST", { phone, code }, { "x-api-key": apiKey, "CF-Connecting-IP": ip }));
}

export function refresh(apiKey: string, refreshToken: string, ip = freshIp()): Promise<Response> {
  return issuerFetch("/api/auth/refresh", jsonRequest("POST", { refresh_token: refreshToken }, { "x-api-key": apiKey, "CF-Connecting-IP": ip }));
}

export function withBearer(token: string, init: RequestInit = {}): RequestInit {
  const headers = new Headers(init.headers);
  headers.set("Authorization", `Bearer ${token}`);
  headers.set("CF-Connecting-IP", freshIp());
  return { ...init, headers };
}

export function smsSandboxUrl(): string {
  return inject("smsSandboxUrl");
}

export interface SandboxMessage {
  readonly to: string;
  readonly body: string;
  readonly provider: "twilio" | "sns";
  readonly received_at: string;
}

export async function inbox(phone: string): Promise<SandboxMessage[]> {
  const response = await fetch(`${smsSandboxUrl()}/messages?to=${encodeURIComponent(phone)}`);
  expect(response.status).toBe(200);
  return ((await response.json<{ messages: SandboxMessage[] }>())).messages;
}

/** The code in the newest SMS to `phone`. */
export async function latestCode(phone: string): Promise<string> {
  const [newest] = await inbox(phone);
  const code = codeInSms(newest?.body);
  if (!code) throw new Error(`no code in the sandbox inbox for ${phone}`);
  return code;
}

/** request → read the SMS → verify: a signed-in user of `tenant`. */
export async function signIn(tenant: TenantCredentials, phone = freshPhone()): Promise<SignedIn & { phone: string }> {
  const requested = await requestCode(tenant.api_key, phone);
  expect(requested.status, await requested.clone().text()).toBe(202);
  const verified = await verifyCode(tenant.api_key, phone, await latestCode(phone));
  expect(verified.status, await verified.clone().text()).toBe(200);
  return { ...(await verified.json<SignedIn>()), phone };
}

export type SandboxProvider = "twilio" | "sns" | "lookup";
export type SandboxFaultMode = "none" | "error_5xx" | "timeout" | "reject_number";

export async function setSandboxFault(provider: SandboxProvider, mode: SandboxFaultMode, numbers?: string[]): Promise<void> {
  const response = await fetch(`${smsSandboxUrl()}/__sandbox/faults/${provider}`, {
    method: "PUT",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(numbers ? { mode, numbers } : { mode }),
  });
  expect(response.status).toBeLessThan(300);
}

export async function sandboxRequestCounts(): Promise<Record<SandboxProvider, number>> {
  const response = await fetch(`${smsSandboxUrl()}/__sandbox/stats`);
  return ((await response.json<{ requests: Record<SandboxProvider, number> }>())).requests;
}

export function decodeJwtPart(token: string, index: 0 | 1): Record<string, unknown> {
  const part = token.split(".")[index] ?? "";
  const base64 = part.replace(/-/g, "+").replace(/_/g, "/");
  return JSON.parse(atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, "="))) as Record<string, unknown>;
}

/** Tenants and OAuth clients for e2e tests, made through the issuer's admin API as an operator would. */
import type { TenantSettingsPatch } from "../../../shared/domain/tenant-settings";
import { e2eStack } from "./e2e-context";

export interface E2eTenant {
  readonly id: string;
  readonly slug: string;
  /** The publishable key (`x-api-key`, `/login?key=`). */
  readonly apiKey: string;
}

export interface ClientRegistration {
  readonly name?: string;
  readonly type: "public" | "confidential";
  readonly redirect_uris: readonly string[];
  readonly post_logout_redirect_uris?: readonly string[];
  readonly first_party?: boolean;
  readonly id_token_signed_response_alg?: "RS256" | "ES256";
  readonly roles?: readonly string[];
}

export interface RegisteredClient {
  readonly client_id: string;
  readonly tenant_id: string;
  readonly type: "public" | "confidential";
  readonly redirect_uris: readonly string[];
  readonly post_logout_redirect_uris: readonly string[];
  readonly id_token_signed_response_alg: "RS256" | "ES256";
  /** Confidential clients only; shown once. */
  readonly client_secret?: string;
}

/** A tenant of its own per test (a random slug), with the settings given over the defaults. */
export async function createTenant(settings: TenantSettingsPatch = {}, label = "e2e"): Promise<E2eTenant> {
  const slug = `${label}-${crypto.randomUUID().slice(0, 8)}`;
  const body = await admin<{ tenant_id: string; api_key: string }>("POST", "/api/admin/tenants", { name: slug, slug, settings }, 201);
  return { id: body.tenant_id, slug, apiKey: body.api_key };
}

export async function registerClient(tenant: E2eTenant, registration: ClientRegistration): Promise<RegisteredClient> {
  return admin<RegisteredClient>("POST", `/api/admin/tenants/${tenant.id}/clients`, { name: registration.name ?? `${registration.type} app`, ...registration }, 201);
}

async function admin<T>(method: string, path: string, body: unknown, expected: number): Promise<T> {
  const { issuerUrl, adminToken } = e2eStack();
  const response = await fetch(new URL(path, issuerUrl), {
    method,
    headers: { Authorization: `Bearer ${adminToken}`, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status !== expected) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  return JSON.parse(text) as T;
}

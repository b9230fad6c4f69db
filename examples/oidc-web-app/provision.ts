/**
 * The demo app's tenant and OAuth client, made through the issuer's admin API when the stack
 * starts, and found again on the next start: their ids are kept in a small file beside the
 * stack's data, and each is looked up before anything new is created. A start whose data was
 * wiped (or a file that names what no longer exists) creates them afresh.
 *
 * With the local OpenID Provider running, the tenant also gets a connection to it (a button on
 * the hosted login page). The provider keeps its clients in memory, so the demo client is
 * registered there again on every start, under a fresh secret that is also set on the
 * connection: no secret is ever written to disk.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";

export interface DemoRegistration {
  readonly tenantId: string;
  /** The tenant's publishable key: public by design, kept so the walkthrough can name it. */
  readonly apiKey: string;
  readonly clientId: string;
  /** The connection to the local OpenID Provider; null when the stack runs without it. */
  readonly connectionId: string | null;
}

/** The local OpenID Provider's addresses, as the stack that started it reports them. */
export interface LocalIdentityProvider {
  /** The generic provider's issuer (discovery at `${issuer}/.well-known/openid-configuration`). */
  readonly issuer: string;
  /** Its local control API (`POST ${controlUrl}/clients`). */
  readonly controlUrl: string;
}

export interface ProvisionOptions {
  readonly issuerUrl: string;
  readonly adminToken: string;
  /** The demo app's own URL, without a trailing slash: its `/callback` and `/` are the client's redirect URIs. */
  readonly appUrl: string;
  /** Where the ids persist across restarts. */
  readonly stateFile: string;
  readonly identityProvider?: LocalIdentityProvider;
}

/** Password, email code and phone code: every form the hosted login page offers without extra setup. */
const DEMO_SETTINGS = { sign_in_methods: ["password", "email_otp", "phone_otp"], email_branding: "Portcullis Demo" };

export function demoRedirectUris(appUrl: string): { redirect_uris: string[]; post_logout_redirect_uris: string[] } {
  return { redirect_uris: [`${appUrl}/callback`], post_logout_redirect_uris: [`${appUrl}/`] };
}

export async function provisionDemo(options: ProvisionOptions): Promise<DemoRegistration> {
  const admin = adminApi(options);
  const kept = readState(options.stateFile);
  let tenant = kept && (await admin("GET", `/api/admin/tenants/${kept.tenantId}`)).status === 200 ? { id: kept.tenantId, apiKey: kept.apiKey } : null;
  if (tenant === null) {
    const slug = `demo-app-${crypto.randomUUID().slice(0, 8)}`;
    const created = await expectStatus(admin("POST", "/api/admin/tenants", { name: "Portcullis Demo", slug, settings: DEMO_SETTINGS }), 201);
    tenant = { id: created.tenant_id as string, apiKey: created.api_key as string };
  }
  const uris = demoRedirectUris(options.appUrl);
  let clientId: string | null = null;
  if (kept?.tenantId === tenant.id) {
    // The app's port may have moved since the last start (DEMO_APP_PORT): its URIs follow.
    const patched = await admin("PATCH", `/api/admin/tenants/${tenant.id}/clients/${kept.clientId}`, uris);
    if (patched.status === 200) clientId = kept.clientId;
  }
  if (clientId === null) {
    const created = await expectStatus(admin("POST", `/api/admin/tenants/${tenant.id}/clients`, { name: "Demo app", type: "public", first_party: true, ...uris }), 201);
    clientId = created.client_id as string;
  }
  const connectionId = options.identityProvider ? await connectIdentityProvider(admin, options, tenant.id, kept?.tenantId === tenant.id ? kept.connectionId : null, options.identityProvider) : null;
  const registration = { tenantId: tenant.id, apiKey: tenant.apiKey, clientId, connectionId };
  writeFileSync(options.stateFile, `${JSON.stringify(registration, null, 2)}\n`, { mode: 0o600 });
  return registration;
}

/** The demo tenant's client id at the local OpenID Provider. */
export const DEMO_PROVIDER_CLIENT_ID = "portcullis-demo";

/** Finds the tenant's connection to the local provider again (or makes it), then registers the demo client there under a fresh secret. */
async function connectIdentityProvider(admin: AdminCall, options: ProvisionOptions, tenantId: string, keptId: string | null, provider: LocalIdentityProvider): Promise<string> {
  const secret = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64url");
  const fields = { client_id: DEMO_PROVIDER_CLIENT_ID, client_secret: secret, enabled: true };
  let connectionId: string | null = null;
  if (keptId !== null) {
    const found = await admin("GET", `/api/admin/tenants/${tenantId}/connections/${keptId}`);
    // The provider's port may have moved since the last start: a connection to another issuer is replaced.
    if (found.status === 200 && found.body.provider === "oidc" && found.body.issuer === provider.issuer) {
      const patched = await admin("PATCH", `/api/admin/tenants/${tenantId}/connections/${keptId}`, fields);
      if (patched.status === 200) connectionId = keptId;
    } else if (found.status === 200) {
      await admin("DELETE", `/api/admin/tenants/${tenantId}/connections/${keptId}`);
    }
  }
  if (connectionId === null) {
    const created = await expectStatus(admin("POST", `/api/admin/tenants/${tenantId}/connections`, { provider: "oidc", issuer: provider.issuer, display_name: "Local OpenID Provider", ...fields }), 201);
    connectionId = created.connection_id as string;
  }
  const redirectUri = `${options.issuerUrl}/oauth2/callback/${connectionId}`;
  const registered = await fetch(`${provider.controlUrl}/clients`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ provider: "oidc", client_id: DEMO_PROVIDER_CLIENT_ID, client_secret: secret, redirect_uris: [redirectUri] }),
  });
  if (!registered.ok) throw new Error(`the local OpenID Provider refused the demo client: ${registered.status} ${await registered.text()}`);
  return connectionId;
}

function readState(file: string): DemoRegistration | null {
  if (!existsSync(file)) return null;
  try {
    const parsed = JSON.parse(readFileSync(file, "utf8")) as Partial<DemoRegistration>;
    const ids = [parsed.tenantId, parsed.apiKey, parsed.clientId];
    if (!ids.every((value) => typeof value === "string" && /^[A-Za-z0-9_-]{1,200}$/.test(value))) return null;
    // A file from before the demo had a connection names none.
    const connectionId = typeof parsed.connectionId === "string" && /^con_[A-Za-z0-9]{1,100}$/.test(parsed.connectionId) ? parsed.connectionId : null;
    return { tenantId: parsed.tenantId as string, apiKey: parsed.apiKey as string, clientId: parsed.clientId as string, connectionId };
  } catch {
    return null;
  }
}

type AdminCall = (method: string, path: string, body?: unknown) => Promise<{ status: number; body: Record<string, unknown> }>;

function adminApi(options: ProvisionOptions): AdminCall {
  return async (method, path, body) => {
    const response = await fetch(new URL(path, options.issuerUrl), {
      method,
      headers: { Authorization: `Bearer ${options.adminToken}`, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text === "" ? {} : (JSON.parse(text) as Record<string, unknown>) };
  };
}

async function expectStatus(call: ReturnType<AdminCall>, status: number): Promise<Record<string, unknown>> {
  const answer = await call;
  if (answer.status !== status) throw new Error(`the issuer's admin API answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer.body;
}

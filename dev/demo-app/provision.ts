/**
 * The demo app's tenant and OAuth client, made through the issuer's admin API when the stack
 * starts, and found again on the next start: their ids are kept in a small file beside the
 * stack's data, and each is looked up before anything new is created. A start whose data was
 * wiped (or a file that names what no longer exists) creates them afresh.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";

export interface DemoRegistration {
  readonly tenantId: string;
  /** The tenant's publishable key: public by design, kept so the walkthrough can name it. */
  readonly apiKey: string;
  readonly clientId: string;
}

export interface ProvisionOptions {
  readonly issuerUrl: string;
  readonly adminToken: string;
  /** The demo app's own URL, without a trailing slash: its `/callback` and `/` are the client's redirect URIs. */
  readonly appUrl: string;
  /** Where the ids persist across restarts. */
  readonly stateFile: string;
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
  const registration = { tenantId: tenant.id, apiKey: tenant.apiKey, clientId };
  writeFileSync(options.stateFile, `${JSON.stringify(registration, null, 2)}\n`, { mode: 0o600 });
  return registration;
}

function readState(file: string): DemoRegistration | null {
  if (!existsSync(file)) return null;
  try {
    const parsed = JSON.parse(readFileSync(file, "utf8")) as Partial<DemoRegistration>;
    const ids = [parsed.tenantId, parsed.apiKey, parsed.clientId];
    return ids.every((value) => typeof value === "string" && /^[A-Za-z0-9_-]{1,200}$/.test(value)) ? (parsed as DemoRegistration) : null;
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

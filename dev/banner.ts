import { demoAppLines, type DemoBannerInput } from "./demo-app/banner-lines";
import type { LocalPorts } from "./local-settings";
import type { HealthSnapshot } from "./wait-for-health";

export interface BannerInput {
  readonly ports: LocalPorts;
  readonly urls: { readonly issuer: string; readonly gate: string };
  readonly adminToken: string;
  readonly smsUrl: string;
  readonly originUrl: string;
  /** The local OpenID Provider (and the named providers' stand-ins under it). */
  readonly identityProviderUrl: string;
  readonly issuerHealth: HealthSnapshot;
  readonly gateHealth: HealthSnapshot;
  readonly postgres: boolean;
  readonly redis: boolean;
  /** Settings taken from the environment that differ from each worker's defaults. */
  readonly changed: { readonly issuer: Readonly<Record<string, string>>; readonly gate: Readonly<Record<string, string>> };
  /** The demo web app and its OAuth client; null when it could not be set up. */
  readonly demoApp: DemoBannerInput | null;
}

/** Ofcom's drama range: a valid UK mobile number that belongs to nobody. */
export const WALKTHROUGH_PHONE = "+14155550123";

export function printBanner(input: BannerInput): void {
  const { urls } = input;
  const phone = WALKTHROUGH_PHONE;
  const field = (name: string) => `sed -n 's/.*"${name}":"\\([^"]*\\)".*/\\1/p'`;
  const lines = [
    "",
    "Portcullis local stack is up (Ctrl-C stops everything; state is kept in .portcullis/).",
    "",
    `  issuer        ${urls.issuer}          health ${input.issuerHealth.status}`,
    `  gate          ${urls.gate}          health ${input.gateHealth.status}`,
    ...consoleLines(urls.issuer),
    `  demo origin   ${input.originUrl}`,
    `  SMS sandbox   ${input.smsUrl}          inbox: ${input.smsUrl}/messages?to=<E.164>`,
    `  email inbox   ${input.smsUrl}/emails?to=<address>   (Resend, Postmark and SES all deliver here)`,
    `  webhooks      ${input.smsUrl}/webhooks/<name>   a receiver for your endpoints; inbox: ${input.smsUrl}/webhooks?endpoint=<name>`,
    `  OpenID (local) ${input.identityProviderUrl}   users: ada@ grace@ alan@example.com (alan unverified); also /google /microsoft /github /apple`,
    `  Neon (SQL)    http://127.0.0.1:${input.ports.neon}/sql   backend: ${input.postgres ? "PostgreSQL (POSTGRES_URL)" : "PGlite"}`,
    `  Upstash       http://127.0.0.1:${input.ports.upstash}        backend: ${input.redis ? "Redis (REDIS_URL)" : "embedded"}`,
    "",
    `  ADMIN_TOKEN   ${input.adminToken}`,
    "",
    ...changedLines(input.changed),
    ...(input.demoApp === null ? [] : demoAppLines(input.demoApp)),
    "Walkthrough (copy and paste into a shell):",
    "",
    `  ADMIN=${input.adminToken}`,
    `  TENANT=$(curl -s -X POST ${urls.issuer}/api/admin/tenants -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' -d '{"name":"Demo","slug":"demo-'$RANDOM'"}')`,
    `  API_KEY=$(echo "$TENANT" | ${field("api_key")}); TENANT_ID=$(echo "$TENANT" | ${field("tenant_id")}); HOOK=demo-$RANDOM`,
    `  curl -s -X POST ${urls.issuer}/api/admin/tenants/$TENANT_ID/webhooks -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' -d '{"url":"${input.smsUrl}/webhooks/'$HOOK'","events":["user.created","session.created"]}'; echo`,
    `  curl -s -X POST ${urls.issuer}/api/auth/request -H "x-api-key: $API_KEY" -H 'Content-Type: application/json' -d '{"phone":"${phone}"}'; echo`,
    `  CODE=$(curl -s '${input.smsUrl}/messages?to=%2B${phone.slice(1)}' | grep -o 'code is: [0-9]*' | head -n 1 | grep -o '[0-9]*$')`,
    `  TOKEN=$(curl -s -X POST ${urls.issuer}/api/auth/verify -H "x-api-key: $API_KEY" -H 'Content-Type: application/json' -d '{"phone":"${phone}","code":"'$CODE'"}' | ${field("token")})`,
    `  curl -s ${urls.gate}/hello -H "Authorization: Bearer $TOKEN"; echo`,
    `  sleep 2; curl -s '${input.smsUrl}/webhooks?endpoint='$HOOK; echo   # user.created and session.created, signed (docs/webhooks.md)`,
    "",
    ...emailWalkthrough(urls.issuer, input.smsUrl, field),
    ...passkeyWalkthrough(urls.issuer, input.ports.issuer, input.smsUrl, field),
  ];
  console.log(lines.join("\n"));
}

/** Sign up by email and password, confirm the address, log in, reset the password, then sign in by email code and by link. */
function emailWalkthrough(issuer: string, sandbox: string, field: (name: string) => string): string[] {
  const post = (path: string, body: string) => `curl -s -X POST ${issuer}${path} -H "x-api-key: $API_KEY" -H 'Content-Type: application/json' -d '${body}'`;
  const newestCode = `curl -s "${sandbox}/emails?to=$EMAIL" | grep -o '"text":"[^"]*' | head -n 1 | grep -o '[0-9]\\{6\\}' | head -n 1`;
  const newestLinkToken = `curl -s "${sandbox}/emails?to=$EMAIL" | grep -o 'token=[A-Za-z0-9_-]\\{43\\}' | head -n 1 | cut -d= -f2`;
  return [
    "Email and password (same shell; mail lands in the sandbox's email inbox):",
    "",
    "  EMAIL=ada-$RANDOM@example.com",
    `  ${post("/api/auth/signup", `{"email":"'$EMAIL'","password":"tidy otter lantern 42"}`)}; echo`,
    `  CODE=$(${newestCode})`,
    `  ${post("/api/auth/email/verify", `{"email":"'$EMAIL'","code":"'$CODE'"}`)}; echo`,
    `  TOKEN=$(${post("/api/auth/login", `{"email":"'$EMAIL'","password":"tidy otter lantern 42"}`)} | ${field("token")})`,
    `  curl -s ${issuer}/api/auth/me -H "Authorization: Bearer $TOKEN"; echo`,
    `  ${post("/api/auth/password/forgot", `{"email":"'$EMAIL'"}`)}; echo`,
    "  sleep 1; RESET=$(" + newestLinkToken + ")",
    `  ${post("/api/auth/password/reset", `{"token":"'$RESET'","password":"brisk heron compass 7"}`)}; echo`,
    `  ${post("/api/auth/email/request", `{"email":"'$EMAIL'"}`)}; echo`,
    `  CODE=$(${newestCode})`,
    `  ${post("/api/auth/email/verify", `{"email":"'$EMAIL'","code":"'$CODE'"}`)}; echo`,
    `  ${post("/api/auth/email/request", `{"email":"'$EMAIL'"}`)}; echo`,
    `  LINK=$(${newestLinkToken})`,
    `  ${post("/api/auth/email/verify", `{"token":"'$LINK'"}`)}; echo`,
    "",
  ];
}

/** The operator console: the dashboard's charts, tenants, users and the audit log in a browser, signed in with the ADMIN_TOKEN below (docs/console.md). */
export function consoleLines(issuer: string): string[] {
  return [`  console       ${issuer}/console   sign in with the ADMIN_TOKEN below`];
}

function changedLines(changed: BannerInput["changed"]): string[] {
  const lines = [
    ...Object.entries(changed.issuer).map(([name, value]) => `  issuer  ${name}=${value}`),
    ...Object.entries(changed.gate).map(([name, value]) => `  gate    ${name}=${value}`),
  ];
  return lines.length === 0 ? [] : ["Settings from your environment (not the defaults):", "", ...lines, ""];
}

/**
 * Register a passkey with the software authenticator and sign in with it alone. WebAuthn takes
 * no IP address as RP id, so this tenant's passkeys belong to `localhost`.
 */
function passkeyWalkthrough(issuer: string, issuerPort: number, sandbox: string, field: (name: string) => string): string[] {
  const phone = WALKTHROUGH_PHONE;
  const origin = `http://localhost:${issuerPort}`;
  const settings = `{"passkey_rp_id":"localhost","passkey_origins":["${origin}"]}`;
  return [
    "Passkeys (same shell; `npm run passkey` is a software authenticator, keys kept in .portcullis/):",
    "",
    `  PK_KEY=$(curl -s -X POST ${issuer}/api/admin/tenants -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' -d '{"name":"Passkeys","slug":"passkeys-'$RANDOM'","settings":${settings}}' | ${field("api_key")})`,
    `  curl -s -X POST ${issuer}/api/auth/request -H "x-api-key: $PK_KEY" -H 'Content-Type: application/json' -d '{"phone":"${phone}"}'; echo`,
    `  CODE=$(curl -s '${sandbox}/messages?to=%2B${phone.slice(1)}' | grep -o 'code is: [0-9]*' | head -n 1 | grep -o '[0-9]*$')`,
    `  TOKEN=$(curl -s -X POST ${issuer}/api/auth/verify -H "x-api-key: $PK_KEY" -H 'Content-Type: application/json' -d '{"phone":"${phone}","code":"'$CODE'"}' | ${field("token")})`,
    `  curl -s -X POST ${issuer}/api/auth/passkeys/register/options -H "Authorization: Bearer $TOKEN" | npm run -s passkey -- create --origin ${origin} | curl -s ${issuer}/api/auth/passkeys/register -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d @-; echo`,
    `  curl -s -X POST ${issuer}/api/auth/passkeys/login/options -H "x-api-key: $PK_KEY" | npm run -s passkey -- get --origin ${origin} | curl -s ${issuer}/api/auth/passkeys/login -H "x-api-key: $PK_KEY" -H 'Content-Type: application/json' -d @-; echo`,
    "",
  ];
}

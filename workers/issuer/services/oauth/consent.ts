import type { ConsentStore } from "../../../../shared/ports/consent-store";
import type { AuditRecorder } from "../audit-recorder";
import type { AuthorizationRequest } from "./authorization-request";

export interface ConsentDeps {
  readonly consents: ConsentStore;
}

/**
 * Whether the user must be asked before the client gets a code: never for a first-party
 * client; for any other, when `prompt=consent` asks for it or a requested scope was never
 * granted to this client (a new scope asks again, OIDC Core §3.1.2.4).
 */
export async function consentNeeded(deps: ConsentDeps, request: Pick<AuthorizationRequest, "client" | "scope" | "prompt">, userId: string): Promise<boolean> {
  if (request.client.firstParty) return false;
  if (request.prompt.has("consent")) return true;
  const granted = new Set(await deps.consents.granted(userId, request.client.id));
  return request.scope.split(" ").some((scope) => !granted.has(scope));
}

/** Records that the user let the client have the request's scopes, merged with what it had. */
export async function grantConsent(deps: ConsentDeps, audit: AuditRecorder, request: Pick<AuthorizationRequest, "client" | "scope">, userId: string, now: Date): Promise<void> {
  const scopes = request.scope.split(" ");
  await deps.consents.grant({ tenantId: request.client.tenantId, userId, clientId: request.client.id, scopes }, now);
  audit.record("oauth.consent_granted", "success", { tenantId: request.client.tenantId, userId, details: { client_id: request.client.id, scopes } });
}

/** The user refused: nothing is stored (the next request asks again), only the audit trail says so. */
export function denyConsent(audit: AuditRecorder, request: Pick<AuthorizationRequest, "client" | "scope">, userId: string): void {
  audit.record("oauth.consent_denied", "failure", { tenantId: request.client.tenantId, userId, details: { client_id: request.client.id, scopes: request.scope.split(" ") } });
}

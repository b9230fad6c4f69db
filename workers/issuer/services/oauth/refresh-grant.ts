import { resolveTenantSettings } from "../../../../shared/domain/tenant-settings";
import { err, ok, type Result } from "../../../../shared/errors/result";
import type { TenantRepository } from "../../../../shared/ports/tenant-repository";
import type { AuditRecorder } from "../audit-recorder";
import { refreshSession, type RefreshDeps } from "../refresh";
import type { OAuthClientRecord } from "./clients";
import type { TokenResponse } from "./code-grant";
import { oauthError, type OAuthError } from "./token-error";

export interface RefreshGrantDeps extends RefreshDeps {
  readonly tenants: TenantRepository;
  readonly defaultAudience: string;
}

/**
 * RFC 6749 §6 through the same rotation with reuse detection as `/api/auth/refresh`, bound to
 * the client the session was issued to. The answer carries no `scope` (§5.1: the same as granted).
 */
export async function refreshForClient(deps: RefreshGrantDeps, audit: AuditRecorder, client: OAuthClientRecord, refreshToken: string): Promise<Result<Omit<TokenResponse, "scope">, OAuthError>> {
  const tenant = await deps.tenants.find(client.tenantId);
  if (!tenant) return err(oauthError("invalid_grant", "The refresh token is invalid, expired, revoked, or was issued to another client."));
  const settings = resolveTenantSettings(tenant.settings, { tenantName: tenant.name, defaultAudience: deps.defaultAudience });
  const refreshed = await refreshSession(deps, audit, { tenant, settings }, refreshToken, { clientId: client.id });
  if (!refreshed.ok) return err(oauthError("invalid_grant", "The refresh token is invalid, expired, revoked, or was issued to another client."));
  const pair = refreshed.value;
  return ok({ access_token: pair.token, token_type: "Bearer", expires_in: pair.expires_in, refresh_token: pair.refresh_token });
}

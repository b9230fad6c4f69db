import { signAccessToken } from "../../../../shared/crypto/access-token";
import { randomBase32 } from "../../../../shared/crypto/ids";
import { resolveTenantSettings } from "../../../../shared/domain/tenant-settings";
import { err, ok, type Result } from "../../../../shared/errors/result";
import type { TenantRepository } from "../../../../shared/ports/tenant-repository";
import type { AuditRecorder } from "../audit-recorder";
import type { SigningKeyService } from "../signing-keys";
import type { OAuthClientRecord } from "./clients";
import { oauthError, type OAuthError } from "./token-error";

export interface ClientCredentialsDeps {
  readonly tenants: TenantRepository;
  readonly signingKeys: SigningKeyService;
  readonly issuer: string;
  readonly defaultAudience: string;
}

/** RFC 6749 §4.4.3: an access token only; no refresh token (§4.4.3 "SHOULD NOT"), no id_token (nobody signed in). */
export interface ClientTokenResponse {
  readonly access_token: string;
  readonly token_type: "Bearer";
  readonly expires_in: number;
}

/**
 * `grant_type=client_credentials` (RFC 6749 §4.4) for an authenticated confidential client:
 * the gate's ES256 `at+jwt` with the client as `sub` and `client_id`, the roles it was
 * registered with, the tenant's audience and access-token lifetime. Every scope the provider
 * knows is about a user (OIDC Core §5.4, §11), so a client's token carries none: a `scope`
 * asking for any is `invalid_scope`, and roles say what the client may do.
 */
export async function issueClientToken(
  deps: ClientCredentialsDeps,
  audit: AuditRecorder,
  client: OAuthClientRecord,
  scope: string | null,
  now: Date,
): Promise<Result<ClientTokenResponse, OAuthError>> {
  // A public client proved nothing at authentication (§4.4: confidential clients only).
  if (client.type !== "confidential") return err(oauthError("unauthorized_client", "Only a confidential client may use the client_credentials grant."));
  if (scope !== null) return err(oauthError("invalid_scope", "A client's token carries no scopes (they all concern a user); the roles registered with the client say what it may do."));
  const tenant = await deps.tenants.find(client.tenantId);
  if (!tenant) return err(oauthError("invalid_client", "Client authentication failed."));
  const settings = resolveTenantSettings(tenant.settings, { tenantName: tenant.name, defaultAudience: deps.defaultAudience });
  const signer = await deps.signingKeys.currentSigner();
  const iat = Math.floor(now.getTime() / 1000);
  const ttl = settings.access_token_ttl_seconds;
  const token = await signAccessToken(
    { iss: deps.issuer, aud: settings.audience, sub: client.id, client_id: client.id, tid: client.tenantId, roles: [...client.roles], jti: randomBase32(26), iat, exp: iat + ttl },
    signer,
  );
  audit.record("oauth.client_credentials", "success", { tenantId: client.tenantId, details: { client_id: client.id, roles: client.roles.length } });
  return ok({ access_token: token, token_type: "Bearer", expires_in: ttl });
}

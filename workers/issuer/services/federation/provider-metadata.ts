import type { FederationEndpoints } from "../../../../shared/config/federation-endpoints";
import { err, ok, type Result } from "../../../../shared/errors/result";
import type { ConnectionRecord } from "../../../../shared/ports/connection-store";
import { invalid, unavailable, type UpstreamFailure } from "./failures";
import { callUpstream, isAllowedProviderUrl, parseJsonObject, stringField, type JsonObject, type UpstreamCall } from "./upstream-fetch";

export const DISCOVERY_TTL_MS = 60 * 60 * 1000;

/** Microsoft's multi-tenant documents name their issuer with this placeholder for the user's tenant. */
export const MICROSOFT_TENANT_PLACEHOLDER = "{tenantid}";

export type TokenEndpointAuth = "client_secret_basic" | "client_secret_post";

export interface ProviderMetadata {
  /** The issuer an id_token must carry; for Microsoft's multi-tenant endpoint it holds `{tenantid}`. */
  readonly issuer: string;
  readonly authorizationEndpoint: string;
  readonly tokenEndpoint: string;
  /** null for GitHub, which issues no id_token */
  readonly jwksUri: string | null;
  readonly idTokenAlgorithms: readonly string[];
  readonly tokenEndpointAuth: TokenEndpointAuth;
  /** RFC 9207: the provider promises an `iss` parameter on every authorization response */
  readonly issParameterSupported: boolean;
}

const discoveryCache = new Map<string, { readonly metadata: ProviderMetadata; readonly expiresAt: number }>();

/** The issuer whose discovery document describes this connection's provider. */
export function expectedIssuer(endpoints: FederationEndpoints, connection: ConnectionRecord): string | null {
  switch (connection.provider) {
    case "oidc":
      return connection.issuer;
    case "google":
      return endpoints.googleIssuer;
    case "microsoft":
      return connection.issuer ?? `${endpoints.microsoftBase}/${MICROSOFT_TENANT_PLACEHOLDER}/v2.0`;
    case "apple":
      return endpoints.appleIssuer;
    case "github":
      return endpoints.githubBase;
  }
}

export async function providerMetadata(call: UpstreamCall, endpoints: FederationEndpoints, connection: ConnectionRecord, now: Date): Promise<Result<ProviderMetadata, UpstreamFailure>> {
  switch (connection.provider) {
    case "github":
      return ok({
        issuer: endpoints.githubBase,
        authorizationEndpoint: `${endpoints.githubBase}/login/oauth/authorize`,
        tokenEndpoint: `${endpoints.githubBase}/login/oauth/access_token`,
        jwksUri: null,
        idTokenAlgorithms: [],
        tokenEndpointAuth: "client_secret_post",
        issParameterSupported: false,
      });
    case "apple":
      return ok({
        issuer: endpoints.appleIssuer,
        authorizationEndpoint: `${endpoints.appleIssuer}/auth/authorize`,
        tokenEndpoint: `${endpoints.appleIssuer}/auth/token`,
        jwksUri: `${endpoints.appleIssuer}/auth/keys`,
        idTokenAlgorithms: ["RS256"],
        tokenEndpointAuth: "client_secret_post",
        issParameterSupported: false,
      });
    case "microsoft":
      if (connection.issuer !== null) return discover(call, connection.issuer, connection.issuer, now);
      return discover(call, `${endpoints.microsoftBase}/common/v2.0`, `${endpoints.microsoftBase}/${MICROSOFT_TENANT_PLACEHOLDER}/v2.0`, now);
    case "google":
      return discover(call, endpoints.googleIssuer, endpoints.googleIssuer, now);
    case "oidc":
      if (connection.issuer === null) return err(invalid("the connection has no issuer"));
      return discover(call, connection.issuer, connection.issuer, now);
  }
}

/**
 * OpenID Connect Discovery 1.0 §4: the document lives under the issuer and must name exactly
 * that issuer, or a provider could speak for another. Cached per isolate for an hour.
 */
export async function discover(call: UpstreamCall, base: string, issuer: string, now: Date): Promise<Result<ProviderMetadata, UpstreamFailure>> {
  const url = `${base.replace(/\/$/, "")}/.well-known/openid-configuration`;
  const cached = discoveryCache.get(url);
  if (cached && cached.expiresAt > now.getTime() && cached.metadata.issuer === issuer) return ok(cached.metadata);
  const answer = await callUpstream(call, url, { headers: { accept: "application/json" } });
  if (!answer.ok) return answer;
  if (answer.value.status !== 200) return err(unavailable(`the discovery document answered ${answer.value.status}`));
  const document = parseJsonObject(answer.value.body);
  if (document === null) return err(unavailable("the discovery document is not a JSON object"));
  const metadata = readMetadata(document, issuer, call.allowLoopbackHttp);
  if (!metadata.ok) return metadata;
  discoveryCache.set(url, { metadata: metadata.value, expiresAt: now.getTime() + DISCOVERY_TTL_MS });
  return metadata;
}

function readMetadata(document: JsonObject, issuer: string, allowLoopbackHttp: boolean): Result<ProviderMetadata, UpstreamFailure> {
  if (stringField(document, "issuer") !== issuer) return err(unavailable("the discovery document names another issuer"));
  const authorizationEndpoint = stringField(document, "authorization_endpoint");
  const tokenEndpoint = stringField(document, "token_endpoint");
  const jwksUri = stringField(document, "jwks_uri");
  for (const [name, value] of [["authorization_endpoint", authorizationEndpoint], ["token_endpoint", tokenEndpoint], ["jwks_uri", jwksUri]] as const) {
    if (value === null || !isAllowedProviderUrl(value, allowLoopbackHttp)) return err(unavailable(`the discovery document's ${name} is missing or not https`));
  }
  return ok({
    issuer,
    authorizationEndpoint: authorizationEndpoint as string,
    tokenEndpoint: tokenEndpoint as string,
    jwksUri,
    idTokenAlgorithms: signingAlgorithms(document["id_token_signing_alg_values_supported"]),
    tokenEndpointAuth: tokenEndpointAuth(document["token_endpoint_auth_methods_supported"]),
    issParameterSupported: document["authorization_response_iss_parameter_supported"] === true,
  });
}

/** Asymmetric algorithms only: `none` proves nothing, and an HMAC would be keyed with our own client secret. */
function signingAlgorithms(value: unknown): readonly string[] {
  const listed = Array.isArray(value) ? value.filter((item): item is string => typeof item === "string" && item !== "none" && !item.startsWith("HS")) : [];
  return listed.length > 0 ? listed : ["RS256"];
}

/** RFC 8414 §2: when the list is absent, the default is client_secret_basic. */
function tokenEndpointAuth(value: unknown): TokenEndpointAuth {
  if (!Array.isArray(value) || value.length === 0 || value.includes("client_secret_basic")) return "client_secret_basic";
  return value.includes("client_secret_post") ? "client_secret_post" : "client_secret_basic";
}

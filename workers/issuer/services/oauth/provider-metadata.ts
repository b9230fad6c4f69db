/** The scopes the provider grants (OIDC Core §5.4, plus `offline_access` for refresh tokens, §11). */
export const OAUTH_SCOPES = ["openid", "profile", "email", "phone", "offline_access"] as const;
export type OAuthScope = (typeof OAUTH_SCOPES)[number];

export const GRANT_TYPES = ["authorization_code", "refresh_token", "client_credentials"] as const;
export const TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"] as const;
export const ID_TOKEN_ALGORITHMS = ["RS256", "ES256"] as const;

/** Languages the hosted pages have a string catalogue for (`ui_locales`). */
export const UI_LOCALES = ["en"] as const;

/** Claims the id_token, userinfo and access tokens can carry. */
export const CLAIMS_SUPPORTED = [
  "iss", "sub", "aud", "exp", "iat", "auth_time", "nonce", "amr", "sid", "at_hash",
  "email", "email_verified", "phone_number", "phone_number_verified", "name",
  "tid", "roles", "jti", "client_id", "scope",
] as const;

/**
 * OpenID Connect Discovery 1.0 §3 metadata, with RFC 8414, RFC 7009, RFC 7662, RFC 9207 and
 * RP-Initiated Logout 1.0 fields: every required and recommended field the provider can make
 * true, and only those. No `registration_endpoint` (clients are registered through the admin
 * API), no `acr_values_supported` (no ACR values are issued). `request_uri_parameter_supported`
 * defaults to true in §3, so its false is stated.
 */
export function providerMetadata(issuer: string) {
  return {
    issuer,
    authorization_endpoint: `${issuer}/oauth2/authorize`,
    token_endpoint: `${issuer}/oauth2/token`,
    userinfo_endpoint: `${issuer}/oauth2/userinfo`,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    end_session_endpoint: `${issuer}/oauth2/logout`,
    revocation_endpoint: `${issuer}/oauth2/revoke`,
    revocation_endpoint_auth_methods_supported: [...TOKEN_ENDPOINT_AUTH_METHODS],
    introspection_endpoint: `${issuer}/api/auth/introspect`,
    introspection_endpoint_auth_methods_supported: ["client_secret_bearer"],
    scopes_supported: [...OAUTH_SCOPES],
    response_types_supported: ["code"],
    response_modes_supported: ["query"],
    grant_types_supported: [...GRANT_TYPES],
    subject_types_supported: ["public"],
    id_token_signing_alg_values_supported: [...ID_TOKEN_ALGORITHMS],
    token_endpoint_auth_methods_supported: [...TOKEN_ENDPOINT_AUTH_METHODS],
    code_challenge_methods_supported: ["S256"],
    claims_supported: [...CLAIMS_SUPPORTED],
    prompt_values_supported: ["none", "login", "consent"],
    ui_locales_supported: [...UI_LOCALES],
    claims_parameter_supported: false,
    request_parameter_supported: false,
    request_uri_parameter_supported: false,
    authorization_response_iss_parameter_supported: true,
  };
}

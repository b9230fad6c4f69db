import type { OAuthClientRecord } from "../../../../shared/ports/oauth-client-store";
import { findClient, type OAuthClientLookupDeps } from "./clients";

export const SUPPORTED_SCOPES = ["openid", "profile", "email", "phone", "offline_access"] as const;
const PROMPTS = ["none", "login", "consent"] as const;
type Prompt = (typeof PROMPTS)[number];

/** RFC 7636 §4.2: BASE64URL(SHA-256(verifier)) is 43 characters. */
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

/** A checked authorization request (RFC 6749 §4.1.1, OIDC Core §3.1.2.1). */
export interface AuthorizationRequest {
  readonly client: OAuthClientRecord;
  readonly redirectUri: string;
  readonly state: string | null;
  readonly nonce: string | null;
  readonly scope: string;
  readonly codeChallenge: string;
  readonly prompt: ReadonlySet<Prompt>;
  readonly maxAgeSeconds: number | null;
  readonly loginHint: string | null;
  readonly uiLocales: string | null;
}

/**
 * What the request allows: an error page (the client or redirect URI cannot be trusted, so
 * nothing is sent anywhere, §4.1.2.1), an error sent back to the checked redirect URI, or a
 * request to serve.
 */
export type AuthorizationCheck =
  | { readonly kind: "error_page"; readonly reason: "unknown_client" | "invalid_redirect_uri" }
  | { readonly kind: "redirect_error"; readonly redirectUri: string; readonly state: string | null; readonly error: string; readonly description: string }
  | { readonly kind: "valid"; readonly request: AuthorizationRequest };

const MAX_PARAMETER_LENGTH = 2048;

/** Visible ASCII only: anything else (a NUL byte, say) names no client and is never sent to the database. */
const CLIENT_ID_SHAPE = /^[\x21-\x7e]{1,128}$/;

export function looksLikeClientId(value: string): boolean {
  return CLIENT_ID_SHAPE.test(value);
}

export async function checkAuthorizationRequest(deps: OAuthClientLookupDeps, query: URLSearchParams): Promise<AuthorizationCheck> {
  const repeated = (name: string): boolean => query.getAll(name).length > 1;
  const get = (name: string): string | null => {
    const value = query.get(name);
    return value === null || value === "" ? null : value;
  };
  const clientId = get("client_id");
  if (clientId === null || repeated("client_id") || !looksLikeClientId(clientId)) return { kind: "error_page", reason: "unknown_client" };
  const client = await findClient(deps, clientId);
  if (client === null) return { kind: "error_page", reason: "unknown_client" };
  const redirectUri = get("redirect_uri");
  // Exact string match against the registered list (OAuth 2.0 Security BCP §4.1.3): no prefix, no normalising.
  if (redirectUri === null || repeated("redirect_uri") || !client.redirectUris.includes(redirectUri)) return { kind: "error_page", reason: "invalid_redirect_uri" };

  const state = repeated("state") ? null : get("state");
  const refuse = (error: string, description: string): AuthorizationCheck => ({ kind: "redirect_error", redirectUri, state, error, description });
  for (const name of new Set(query.keys())) {
    if (query.getAll(name).length > 1) return refuse("invalid_request", `${name} is given more than once.`);
    if ((query.get(name) ?? "").length > MAX_PARAMETER_LENGTH) return refuse("invalid_request", `${name} is too long.`);
  }

  if (get("response_type") !== "code") return refuse("unsupported_response_type", "Only response_type=code is supported.");
  if (get("request") !== null || get("request_uri") !== null) return refuse("request_not_supported", "Request objects are not supported.");
  const challenge = get("code_challenge");
  if (challenge === null || get("code_challenge_method") !== "S256") return refuse("invalid_request", "PKCE with code_challenge_method=S256 is required.");
  if (!S256_CHALLENGE.test(challenge)) return refuse("invalid_request", "code_challenge must be a base64url SHA-256 (43 characters).");

  const scopes = (get("scope") ?? "openid").split(" ").filter((scope) => scope !== "");
  if (scopes.some((scope) => !(SUPPORTED_SCOPES as readonly string[]).includes(scope))) return refuse("invalid_scope", "A requested scope is not supported.");

  const promptValues = (get("prompt") ?? "").split(" ").filter((value) => value !== "");
  if (promptValues.some((value) => !(PROMPTS as readonly string[]).includes(value))) return refuse("invalid_request", "prompt must be none, login or consent.");
  const prompt = new Set(promptValues as Prompt[]);
  // OIDC Core §3.1.2.1: none with any other value is an error.
  if (prompt.has("none") && prompt.size > 1) return refuse("invalid_request", "prompt=none cannot be combined with another value.");

  const maxAge = get("max_age");
  if (maxAge !== null && !/^[0-9]{1,9}$/.test(maxAge)) return refuse("invalid_request", "max_age must be a number of seconds.");

  return {
    kind: "valid",
    request: {
      client,
      redirectUri,
      state,
      nonce: get("nonce"),
      scope: [...new Set(scopes)].join(" "),
      codeChallenge: challenge,
      prompt,
      maxAgeSeconds: maxAge === null ? null : Number(maxAge),
      loginHint: get("login_hint"),
      uiLocales: get("ui_locales"),
    },
  };
}

/** A sign-in is fresh enough unless `max_age` says it is too old (OIDC Core §3.1.2.1). */
export function signInFreshEnough(request: Pick<AuthorizationRequest, "maxAgeSeconds">, authTime: Date, now: Date): boolean {
  return request.maxAgeSeconds === null || now.getTime() - authTime.getTime() <= request.maxAgeSeconds * 1000;
}

/** The authorization response's location (RFC 6749 §4.1.2) with `iss` (RFC 9207) and `state`. */
export function authorizationResponse(redirectUri: string, issuer: string, state: string | null, parameters: Readonly<Record<string, string>>): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(parameters)) url.searchParams.set(name, value);
  if (state !== null) url.searchParams.set("state", state);
  url.searchParams.set("iss", issuer);
  return url.toString();
}

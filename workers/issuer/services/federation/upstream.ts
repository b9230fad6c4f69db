import type { FederationEndpoints } from "../../../../shared/config/federation-endpoints";
import { openSecret } from "../../../../shared/crypto/key-encryption";
import { err, ok, type Result } from "../../../../shared/errors/result";
import type { ConnectionRecord } from "../../../../shared/ports/connection-store";
import { appleClientSecret } from "./apple-client-secret";
import { invalid, type UpstreamFailure } from "./failures";
import { profileFromClaims } from "./federated-profile";
import { githubAccount } from "./github-profile";
import { discover, expectedIssuer, providerMetadata, type ProviderMetadata } from "./provider-metadata";
import { exchangeCode } from "./token-exchange";
import type { UpstreamCall } from "./upstream-fetch";
import { resolvedIssuer, validateIdToken } from "./validate-id-token";

export type { UpstreamFailure } from "./failures";

export interface FederationDeps {
  readonly endpoints: FederationEndpoints;
  /** to open sealed client secrets and Apple keys */
  readonly keyEncryptionSecret: string;
  readonly fetch: typeof fetch;
  readonly now: () => Date;
}

export interface AuthorizationStart {
  readonly redirectUri: string;
  readonly state: string;
  readonly nonce: string | null;
  readonly codeChallenge: string;
}

export interface CallbackInput {
  readonly code: string;
  readonly redirectUri: string;
  readonly codeVerifier: string;
  /** the nonce sent at the start (plain); null for github */
  readonly nonce: string | null;
  /** RFC 9207 `iss` the callback carried, if any */
  readonly issParameter: string | null;
  /** Apple's form_post `user` field (JSON), only on the first sign-in */
  readonly appleUser: string | null;
}

export interface FederatedProfile {
  /** oidc, google, apple: `sub`; github: the numeric id; microsoft: `tid:oid` (or `sub` without them) */
  readonly subject: string;
  /** lower-cased */
  readonly email: string | null;
  /** true only when the provider vouches for the address */
  readonly emailVerified: boolean;
  readonly name: string | null;
  readonly privateRelay: boolean;
  readonly tokens: { readonly accessToken: string; readonly refreshToken: string | null; readonly idToken: string | null; readonly expiresIn: number | null };
}

const GOOGLE_ISSUER = "https://accounts.google.com";

const upstreamCall = (deps: FederationDeps): UpstreamCall => ({ fetch: deps.fetch, allowLoopbackHttp: deps.endpoints.allowLoopbackHttp });

/** The provider's authorization URL for this connection (discovery for oidc/google/microsoft, fixed for github/apple). */
export async function authorizationUrl(deps: FederationDeps, connection: ConnectionRecord, start: AuthorizationStart): Promise<Result<URL, UpstreamFailure>> {
  const metadata = await providerMetadata(upstreamCall(deps), deps.endpoints, connection, deps.now());
  if (!metadata.ok) return metadata;
  const url = new URL(metadata.value.authorizationEndpoint);
  const parameters: Record<string, string> = {
    response_type: "code",
    client_id: connection.clientId,
    redirect_uri: start.redirectUri,
    state: start.state,
    code_challenge: start.codeChallenge,
    code_challenge_method: "S256",
  };
  if (connection.scopes.length > 0) parameters["scope"] = connection.scopes.join(" ");
  if (start.nonce !== null && connection.provider !== "github") parameters["nonce"] = start.nonce;
  // Apple posts the answer back when names or addresses are asked for.
  if (connection.provider === "apple") parameters["response_mode"] = "form_post";
  for (const [name, value] of Object.entries(parameters)) url.searchParams.set(name, value);
  return ok(url);
}

/** The code exchanged and the person behind it, every answer from the provider checked first. */
export async function completeSignIn(deps: FederationDeps, connection: ConnectionRecord, input: CallbackInput): Promise<Result<FederatedProfile, UpstreamFailure>> {
  const call = upstreamCall(deps);
  const metadata = await providerMetadata(call, deps.endpoints, connection, deps.now());
  if (!metadata.ok) return metadata;
  // RFC 9207 before the code leaves: a mixed-up provider must not receive another's code.
  const issCheck = checkIssParameter(metadata.value, input.issParameter, null);
  if (!issCheck.ok) return issCheck;
  const clientSecret = await clientSecretFor(deps, connection);
  if (!clientSecret.ok) return clientSecret;
  const tokens = await exchangeCode(call, metadata.value, { code: input.code, redirectUri: input.redirectUri, codeVerifier: input.codeVerifier, clientId: connection.clientId, clientSecret: clientSecret.value });
  if (!tokens.ok) return tokens;
  if (connection.provider === "github") {
    const account = await githubAccount(call, deps.endpoints.githubApi, tokens.value.accessToken);
    if (!account.ok) return account;
    const email = account.value.verifiedPrimaryEmail?.toLowerCase() ?? null;
    return ok({ subject: account.value.subject, email, emailVerified: email !== null, name: account.value.name, privateRelay: false, tokens: tokens.value });
  }
  if (tokens.value.idToken === null) return err(invalid("the token endpoint gave no id_token"));
  if (input.nonce === null) return err(invalid("no nonce was sent for an OpenID sign-in"));
  const alsoIssuers = connection.provider === "google" && deps.endpoints.googleIssuer === GOOGLE_ISSUER ? ["accounts.google.com"] : [];
  const claims = await validateIdToken(call, metadata.value, tokens.value.idToken, { clientId: connection.clientId, nonce: input.nonce, alsoIssuers }, deps.now());
  if (!claims.ok) return claims;
  const issAfter = checkIssParameter(metadata.value, input.issParameter, resolvedIssuer(metadata.value.issuer, claims.value));
  if (!issAfter.ok) return issAfter;
  const profile = profileFromClaims(connection.provider, claims.value, input.appleUser);
  if (profile.subject === "") return err(invalid("the id_token names no subject"));
  return ok({ ...profile, tokens: tokens.value });
}

/** For the admin routes: the issuer serves a discovery document that names it. */
export async function checkIssuer(deps: FederationDeps, issuer: string): Promise<Result<void, UpstreamFailure>> {
  const metadata = await discover(upstreamCall(deps), issuer, issuer, deps.now());
  return metadata.ok ? ok(undefined) : metadata;
}

export { expectedIssuer };

/**
 * The callback's `iss` must name the provider when present, and must be present when the provider
 * promises it. Microsoft's multi-tenant issuer depends on the user's tenant, so there it is compared
 * once the id_token has named the tenant (`resolved`).
 */
function checkIssParameter(metadata: ProviderMetadata, issParameter: string | null, resolved: string | null): Result<void, UpstreamFailure> {
  if (issParameter === null) return metadata.issParameterSupported ? err(invalid("the provider promised an iss parameter and sent none")) : ok(undefined);
  const multiTenant = resolvedIssuer(metadata.issuer, {}) === null;
  if (multiTenant && resolved === null) return ok(undefined);
  const expected = multiTenant ? resolved : metadata.issuer;
  return issParameter === expected ? ok(undefined) : err(invalid("the iss parameter names another issuer"));
}

async function clientSecretFor(deps: FederationDeps, connection: ConnectionRecord): Promise<Result<string, UpstreamFailure>> {
  if (connection.provider === "apple") {
    if (connection.apple === null) return err(invalid("the Apple connection has no signing key"));
    const pem = await openSecret(deps.keyEncryptionSecret, "connection-secret", connection.apple.sealedPrivateKey, connection.id);
    if (pem === null) return err(invalid("the Apple signing key could not be opened"));
    const secret = await appleClientSecret({ teamId: connection.apple.teamId, keyId: connection.apple.keyId, privateKeyPem: pem }, connection.clientId, deps.endpoints.appleIssuer, deps.now());
    return secret === null ? err(invalid("the Apple signing key is not an ES256 PKCS#8 key")) : ok(secret);
  }
  if (connection.sealedClientSecret === null) return err(invalid("the connection has no client secret"));
  const secret = await openSecret(deps.keyEncryptionSecret, "connection-secret", connection.sealedClientSecret, connection.id);
  return secret === null ? err(invalid("the connection's client secret could not be opened")) : ok(secret);
}

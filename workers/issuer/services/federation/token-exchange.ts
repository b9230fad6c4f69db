import { err, ok, type Result } from "../../../../shared/errors/result";
import { invalid, unavailable, type UpstreamFailure } from "./failures";
import type { ProviderMetadata } from "./provider-metadata";
import { callUpstream, parseJsonObject, stringField, type UpstreamCall } from "./upstream-fetch";

export interface TokenRequest {
  readonly code: string;
  readonly redirectUri: string;
  readonly codeVerifier: string;
  readonly clientId: string;
  readonly clientSecret: string;
}

export interface ProviderTokens {
  readonly accessToken: string;
  readonly refreshToken: string | null;
  readonly idToken: string | null;
  readonly expiresIn: number | null;
}

/** RFC 6749 §4.1.3 with the PKCE verifier (RFC 7636 §4.5), authenticated as the provider's metadata asks. */
export async function exchangeCode(call: UpstreamCall, metadata: ProviderMetadata, request: TokenRequest): Promise<Result<ProviderTokens, UpstreamFailure>> {
  const form = new URLSearchParams({ grant_type: "authorization_code", code: request.code, redirect_uri: request.redirectUri, code_verifier: request.codeVerifier });
  // GitHub answers form-encoded unless asked for JSON.
  const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded", accept: "application/json" };
  if (metadata.tokenEndpointAuth === "client_secret_basic") {
    headers["authorization"] = `Basic ${basicCredentials(request.clientId, request.clientSecret)}`;
  } else {
    form.set("client_id", request.clientId);
    form.set("client_secret", request.clientSecret);
  }
  const answer = await callUpstream(call, metadata.tokenEndpoint, { method: "POST", headers, body: form.toString() });
  if (!answer.ok) return answer;
  if (answer.value.status >= 500) return err(unavailable(`the token endpoint answered ${answer.value.status}`));
  const body = parseJsonObject(answer.value.body);
  if (body === null) return err(answer.value.status === 200 ? invalid("the token endpoint's answer is not JSON") : unavailable(`the token endpoint answered ${answer.value.status}`));
  // GitHub reports errors with 200; everyone else with 400 or 401.
  const error = stringField(body, "error");
  if (error !== null) return err({ kind: "provider_error", error, description: stringField(body, "error_description") });
  if (answer.value.status !== 200) return err(unavailable(`the token endpoint answered ${answer.value.status}`));
  const accessToken = stringField(body, "access_token");
  if (accessToken === null) return err(invalid("the token endpoint gave no access_token"));
  const expiresIn = body["expires_in"];
  return ok({
    accessToken,
    refreshToken: stringField(body, "refresh_token"),
    idToken: stringField(body, "id_token"),
    expiresIn: typeof expiresIn === "number" && Number.isFinite(expiresIn) && expiresIn > 0 ? Math.floor(expiresIn) : null,
  });
}

/** RFC 6749 §2.3.1: both parts form-encoded before they are joined. */
function basicCredentials(clientId: string, clientSecret: string): string {
  const encode = (value: string): string => encodeURIComponent(value).replace(/%20/g, "+");
  return btoa(`${encode(clientId)}:${encode(clientSecret)}`);
}

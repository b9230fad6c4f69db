import { isId } from "../../../../shared/crypto/ids";
import { err, ok, type Result } from "../../../../shared/errors/result";
import { clientSecretMatches, findClient, type OAuthClientLookupDeps, type OAuthClientRecord } from "./clients";
import { oauthError, type OAuthError } from "./token-error";

/** What the request presented: the Authorization header and the form's client fields. */
export interface PresentedClient {
  readonly authorization: string | undefined;
  readonly formClientId: string | null;
  readonly formClientSecret: string | null;
}

/**
 * Client authentication at the token and revocation endpoints (RFC 6749 §2.3.1, §3.2.1):
 * `client_secret_basic`, `client_secret_post`, or `none` for a public client that sends only
 * its `client_id`. One method per request (§2.3); a confidential client must authenticate, a
 * public one must not claim a secret. Every failure is `invalid_client` in the same words, so
 * the answer does not tell an unknown client from a wrong secret.
 */
export async function authenticateClient(deps: OAuthClientLookupDeps, presented: PresentedClient): Promise<Result<OAuthClientRecord, OAuthError>> {
  const basic = presented.authorization === undefined ? null : parseBasic(presented.authorization);
  if (basic === "malformed") return err(oauthError("invalid_client", "The Authorization header is not valid HTTP Basic client authentication.", true));
  if (basic && (presented.formClientSecret !== null || (presented.formClientId !== null && presented.formClientId !== basic.id))) {
    return err(oauthError("invalid_request", "Use one client authentication method: HTTP Basic or the form fields, not both."));
  }
  const clientId = basic?.id ?? presented.formClientId;
  const secret = basic?.secret ?? presented.formClientSecret;
  const refused = oauthError("invalid_client", "Client authentication failed.", basic ? true : undefined);
  if (clientId === null) return err(oauthError("invalid_client", "client_id is required.", basic ? true : undefined));
  const client = isId("cli", clientId) ? await findClient(deps, clientId) : null;
  if (!client) return err(refused);
  if (client.type === "public") return secret === null ? ok(client) : err(refused);
  if (secret === null || !(await clientSecretMatches(client, secret))) return err(refused);
  return ok(client);
}

/** `Basic base64(urlencode(id) ":" urlencode(secret))` (RFC 6749 §2.3.1); null when the scheme is not Basic at all. */
function parseBasic(header: string): { id: string; secret: string } | "malformed" | null {
  const match = /^Basic ([A-Za-z0-9+/]+={0,2})$/i.exec(header.trim());
  if (!match?.[1]) return /^basic\b/i.test(header.trim()) ? "malformed" : null;
  let decoded: string;
  try {
    decoded = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(Uint8Array.from(atob(match[1]), (char) => char.charCodeAt(0)));
  } catch {
    return "malformed";
  }
  const colon = decoded.indexOf(":");
  if (colon < 0) return "malformed";
  try {
    return { id: decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, " ")), secret: decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, " ")) };
  } catch {
    return "malformed";
  }
}

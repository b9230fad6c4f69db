/** What a registered redirect URI must be, in the words error messages use. */
export const REDIRECT_URI_RULE = "must be an absolute https URL, or http on a loopback address (127.0.0.1, [::1] or localhost), without a fragment or credentials.";

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "[::1]", "localhost"]);

/** The longest redirect URI accepted; longer ones are a mistake or an attack, not an app. */
export const MAX_REDIRECT_URI_LENGTH = 2000;

/**
 * Whether a URI may be registered as a redirect (RFC 6749 §3.1.2, OAuth 2.0 Security BCP §4.1).
 * Matching at the authorization and token endpoints is exact string comparison, so the string
 * registered must already be the canonical form the URL parser gives back: backslashes, encoded
 * dots in the host and other tricks that parsers disagree about are refused here rather than
 * normalised.
 */
export function isAllowedRedirectUri(value: string): boolean {
  if (value.length > MAX_REDIRECT_URI_LENGTH || /[\s\\]/.test(value) || value.includes("#")) return false;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.username !== "" || url.password !== "" || url.hash !== "") return false;
  if (url.protocol === "http:") {
    if (!LOOPBACK_HOSTS.has(url.hostname)) return false;
  } else if (url.protocol !== "https:") {
    return false;
  }
  return url.href === value;
}

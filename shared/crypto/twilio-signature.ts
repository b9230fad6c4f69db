import { bytesEqual } from "./constant-time";

const encoder = new TextEncoder();

/** One form parameter as Twilio posted it, percent-decoded; a name may repeat. */
export type TwilioParam = readonly [name: string, value: string];

/**
 * The text Twilio signs for a form-encoded webhook: the full URL it was configured
 * with (query string included), then every POST parameter's name and value with no
 * delimiters, names in case-sensitive order. Values of a repeated name are
 * deduplicated and sorted, as Twilio's helper libraries do.
 */
export function twilioSignedText(url: string, params: Iterable<TwilioParam>): string {
  const valuesByName = new Map<string, Set<string>>();
  for (const [name, value] of params) {
    const values = valuesByName.get(name) ?? new Set<string>();
    values.add(value);
    valuesByName.set(name, values);
  }
  let text = url;
  for (const name of [...valuesByName.keys()].sort(byCodeUnit)) {
    for (const value of [...(valuesByName.get(name) ?? [])].sort(byCodeUnit)) text += name + value;
  }
  return text;
}

/** `X-Twilio-Signature`: base64 of HMAC-SHA1, keyed by the account's auth token, over `twilioSignedText`. */
export async function twilioSignature(authToken: string, url: string, params: Iterable<TwilioParam>): Promise<string> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(authToken), { name: "HMAC", hash: "SHA-1" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(twilioSignedText(url, params))));
  let binary = "";
  for (const byte of mac) binary += String.fromCharCode(byte);
  return btoa(binary);
}

export interface TwilioSignatureCheck {
  readonly authToken: string;
  /** The URL the webhook was configured with, never one rebuilt from the request's Host. */
  readonly url: string;
  readonly params: readonly TwilioParam[];
  /** The `X-Twilio-Signature` header as received; null when absent. */
  readonly signature: string | null;
}

/**
 * Whether `signature` is Twilio's for this URL and body. Compared in constant time
 * against the configured URL and, like Twilio's own libraries, the same URL with its
 * default port spelled out or dropped, since Twilio is not consistent about ports.
 */
export async function verifyTwilioSignature(check: TwilioSignatureCheck): Promise<boolean> {
  if (check.signature === null || check.signature === "") return false;
  const presented = encoder.encode(check.signature);
  let valid = false;
  for (const url of portVariants(check.url)) {
    const expected = encoder.encode(await twilioSignature(check.authToken, url, check.params));
    // Every variant is computed and compared, so the time does not say which one matched.
    const matches = bytesEqual(presented, expected);
    valid = valid || matches;
  }
  return valid;
}

/** The URL as given, then without its port and with its scheme's default port spelled out. */
export function portVariants(url: string): string[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [url];
  }
  const defaultPort = parsed.protocol === "https:" ? "443" : parsed.protocol === "http:" ? "80" : null;
  const credentials = parsed.username || parsed.password ? `${parsed.username}${parsed.password ? `:${parsed.password}` : ""}@` : "";
  const withPort = (port: string) => `${parsed.protocol}//${credentials}${parsed.hostname}${port === "" ? "" : `:${port}`}${parsed.pathname}${parsed.search}`;
  // URL drops a default port ("https://h:443/" has port ""), so a port of "" means "none or the default".
  const variants = [url, withPort("")];
  if (parsed.port === "" && defaultPort !== null) variants.push(withPort(defaultPort));
  return [...new Set(variants)];
}

function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

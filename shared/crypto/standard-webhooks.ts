/**
 * Signing as the Standard Webhooks specification says (standardwebhooks.com): the secret is
 * `whsec_` + base64 of the key, the signed content is `${id}.${timestamp}.${body}`, and the
 * signature header is `v1,` + base64 of its HMAC-SHA256. WebCrypto only.
 */

const SECRET_PREFIX = "whsec_";
/** The specification asks for 24 to 64 bytes of key; we make 32. */
const SECRET_BYTES = 32;
const MIN_SECRET_BYTES = 24;
const MAX_SECRET_BYTES = 64;

const encoder = new TextEncoder();

export interface WebhookHeaders {
  readonly "webhook-id": string;
  readonly "webhook-timestamp": string;
  readonly "webhook-signature": string;
}

export function generateWebhookSecret(): string {
  return SECRET_PREFIX + toBase64(crypto.getRandomValues(new Uint8Array(SECRET_BYTES)));
}

/** The key inside a `whsec_…` secret; throws on anything else. */
export function webhookSecretKey(secret: string): Uint8Array<ArrayBuffer> {
  if (!secret.startsWith(SECRET_PREFIX)) throw new Error("a webhook secret starts with whsec_");
  const key = fromBase64(secret.slice(SECRET_PREFIX.length));
  if (key === null || key.length < MIN_SECRET_BYTES || key.length > MAX_SECRET_BYTES) {
    throw new Error(`a webhook secret is whsec_ and the base64 of ${MIN_SECRET_BYTES} to ${MAX_SECRET_BYTES} bytes`);
  }
  return key;
}

/** Whole seconds since the Unix epoch, as the `webhook-timestamp` header carries them; throws on an invalid date. */
export function webhookTimestamp(at: Date | number): number {
  const seconds = typeof at === "number" ? Math.floor(at) : Math.floor(at.getTime() / 1000);
  if (!Number.isSafeInteger(seconds) || seconds < 0) throw new Error("a webhook timestamp is a date at or after the Unix epoch");
  return seconds;
}

export async function signWebhook(message: { readonly secret: string; readonly id: string; readonly timestamp: Date | number; readonly body: string }): Promise<string> {
  // The signed content joins its parts with full stops, so a full stop in the id would let one
  // signature stand for another split of the same bytes; the specification forbids it.
  if (message.id === "" || message.id.includes(".")) throw new Error("a webhook id is not empty and has no full stop");
  const key = await crypto.subtle.importKey("raw", webhookSecretKey(message.secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const signed = encoder.encode(`${message.id}.${webhookTimestamp(message.timestamp)}.${message.body}`);
  return `v1,${toBase64(new Uint8Array(await crypto.subtle.sign("HMAC", key, signed)))}`;
}

export async function webhookHeaders(message: { readonly secret: string; readonly id: string; readonly timestamp: Date | number; readonly body: string }): Promise<WebhookHeaders> {
  return {
    "webhook-id": message.id,
    "webhook-timestamp": String(webhookTimestamp(message.timestamp)),
    "webhook-signature": await signWebhook(message),
  };
}

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return null;
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index);
  return bytes;
}

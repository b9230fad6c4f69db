/**
 * Verifies a Portcullis webhook as the Standard Webhooks specification says: the HMAC-SHA256 of
 * `${webhook-id}.${webhook-timestamp}.${body}` under the endpoint's `whsec_…` secret, compared in
 * constant time against each `v1,` signature of the header, and a timestamp within `toleranceSeconds`
 * of now (five minutes by default), so a captured request cannot be replayed later. WebCrypto only.
 */

export interface WebhookEvent {
  /** The `webhook-id` header: the same on every retry of one event. Deduplicate by it. */
  readonly id: string;
  readonly type: string;
  readonly timestamp: string;
  readonly data: Readonly<Record<string, unknown>>;
}

export type WebhookVerification =
  | { readonly ok: true; readonly event: WebhookEvent }
  | { readonly ok: false; readonly reason: "missing_headers" | "bad_secret" | "stale_timestamp" | "bad_signature" | "bad_body" };

export interface WebhookVerifierOptions {
  /** The endpoint's secret, `whsec_…`, shown once when the endpoint was created. */
  readonly secret: string;
  readonly toleranceSeconds?: number;
  readonly now?: () => Date;
}

const DEFAULT_TOLERANCE_SECONDS = 300;
const encoder = new TextEncoder();

type HeaderSource = Headers | Readonly<Record<string, string | readonly string[] | undefined>>;

export function createWebhookVerifier(options: WebhookVerifierOptions) {
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const now = options.now ?? (() => new Date());
  const key = importKey(options.secret);

  /** `body` must be the raw text as received: re-serialised JSON is not what was signed. */
  async function verify(body: string, headers: HeaderSource): Promise<WebhookVerification> {
    const id = header(headers, "webhook-id");
    const timestamp = header(headers, "webhook-timestamp");
    const signatures = header(headers, "webhook-signature");
    if (id === null || timestamp === null || signatures === null || !/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: "missing_headers" };
    const hmacKey = await key;
    if (hmacKey === null) return { ok: false, reason: "bad_secret" };
    if (Math.abs(now().getTime() / 1000 - Number(timestamp)) > tolerance) return { ok: false, reason: "stale_timestamp" };
    const expected = new Uint8Array(await crypto.subtle.sign("HMAC", hmacKey, encoder.encode(`${id}.${timestamp}.${body}`)));
    const matches = signatures
      .split(" ")
      .filter((entry) => entry.startsWith("v1,"))
      .map((entry) => fromBase64(entry.slice(3)))
      .some((candidate) => candidate !== null && constantTimeEqual(candidate, expected));
    if (!matches) return { ok: false, reason: "bad_signature" };
    try {
      const parsed = JSON.parse(body) as { type?: unknown; timestamp?: unknown; data?: unknown };
      if (typeof parsed.type !== "string" || typeof parsed.timestamp !== "string" || typeof parsed.data !== "object" || parsed.data === null) return { ok: false, reason: "bad_body" };
      return { ok: true, event: { id, type: parsed.type, timestamp: parsed.timestamp, data: parsed.data as Record<string, unknown> } };
    } catch {
      return { ok: false, reason: "bad_body" };
    }
  }

  return { verify };
}

export type WebhookVerifier = ReturnType<typeof createWebhookVerifier>;

async function importKey(secret: string): Promise<CryptoKey | null> {
  const bytes = secret.startsWith("whsec_") ? fromBase64(secret.slice("whsec_".length)) : null;
  if (bytes === null || bytes.length < 24 || bytes.length > 64) return null;
  return crypto.subtle.importKey("raw", bytes, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
}

function header(headers: HeaderSource, name: string): string | null {
  if (typeof (headers as Headers).get === "function") return (headers as Headers).get(name);
  const record = headers as Readonly<Record<string, string | readonly string[] | undefined>>;
  const value = record[name] ?? Object.entries(record).find(([key]) => key.toLowerCase() === name)?.[1];
  return typeof value === "string" ? value : Array.isArray(value) ? (value as readonly string[]).join(" ") : null;
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return null;
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index);
  return bytes;
}

function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let index = 0; index < a.length; index++) difference |= (a[index] ?? 0) ^ (b[index] ?? 0);
  return difference === 0;
}

import { decodeBase64Url, encodeBase64Url } from "./base64url";

const encoder = new TextEncoder();

/** What a sealed value is for. Each purpose has its own key, so no two ever share one. */
export type SealPurpose = "signing-key" | "turnstile-secret" | "idempotent-answer" | "refresh-retry-copy" | "totp-secret" | "connection-secret" | "provider-tokens" | "upstream-verifier" | "webhook-secret";

const FORMAT = "v2";
const PURPOSE_INFO: { readonly [P in SealPurpose]: string } = {
  "signing-key": "portcullis sealed signing-key v2",
  "turnstile-secret": "portcullis sealed turnstile-secret v2",
  "idempotent-answer": "portcullis sealed idempotent-answer v2",
  "refresh-retry-copy": "portcullis sealed refresh-retry-copy v2",
  "totp-secret": "portcullis sealed totp-secret v2",
  "connection-secret": "portcullis sealed connection-secret v2",
  "provider-tokens": "portcullis sealed provider-tokens v2",
  "upstream-verifier": "portcullis sealed upstream-verifier v2",
  "webhook-secret": "portcullis sealed webhook-secret v2",
};

/**
 * Values sealed before each purpose had its own key: one key for all three. They still open, so
 * existing rows stay readable; everything sealed now is v2. The caller's context kept them apart
 * (a kid, `turnstile:<tenant>`, `idempotency:<hash>` never collide), and they age out on their own:
 * signing keys with rotation, stored answers after a day, Turnstile secrets when a tenant sets one again.
 */
const LEGACY_FORMAT = "v1";
const LEGACY_INFO = "portcullis signing-key encryption v1";
/** Only the purposes that existed before v2 can have legacy values. */
const LEGACY_PURPOSES: ReadonlySet<SealPurpose> = new Set(["signing-key", "turnstile-secret", "idempotent-answer"]);

/**
 * Seals data at rest with AES-256-GCM. The key is derived with HKDF-SHA256 from
 * a high-entropy secret (not a password, so no slow KDF is needed) with one `info`
 * per purpose, and the caller's context (e.g. a key id) is bound as additional data,
 * so a sealed value copied onto another row, or into another purpose, does not open.
 */
export async function sealSecret(secret: string, purpose: SealPurpose, plaintext: string, context: string): Promise<string> {
  const key = await deriveKey(secret, PURPOSE_INFO[purpose]);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ciphertext = await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: encoder.encode(context) }, key, encoder.encode(plaintext));
  return `${FORMAT}.${encodeBase64Url(iv)}.${encodeBase64Url(new Uint8Array(ciphertext))}`;
}

/** Returns null when the value was sealed under another secret, purpose or context, or was altered. */
export async function openSecret(secret: string, purpose: SealPurpose, sealed: string, context: string): Promise<string | null> {
  const [format, ivText, ciphertextText, ...rest] = sealed.split(".");
  if (ivText === undefined || ciphertextText === undefined || rest.length > 0) return null;
  const info = format === FORMAT ? PURPOSE_INFO[purpose] : format === LEGACY_FORMAT && LEGACY_PURPOSES.has(purpose) ? LEGACY_INFO : null;
  if (info === null) return null;
  const iv = decodeBase64Url(ivText);
  const ciphertext = decodeBase64Url(ciphertextText);
  if (!iv || !ciphertext || iv.length !== 12) return null;
  try {
    const key = await deriveKey(secret, info);
    const plaintext = await crypto.subtle.decrypt({ name: "AES-GCM", iv, additionalData: encoder.encode(context) }, key, ciphertext);
    return new TextDecoder().decode(plaintext);
  } catch {
    return null;
  }
}

/** True for a value sealed in the legacy single-key format. */
export function isLegacySeal(sealed: string): boolean {
  return sealed.startsWith(`${LEGACY_FORMAT}.`);
}

async function deriveKey(secret: string, info: string): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey("raw", encoder.encode(secret), "HKDF", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: encoder.encode(info) },
    material,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}

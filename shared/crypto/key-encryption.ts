import { decodeBase64Url, encodeBase64Url } from "./base64url";

const FORMAT = "v1";
const encoder = new TextEncoder();

/** HKDF info of the key that seals signing keys, Turnstile secrets and idempotent answers. */
export const SEALED_SECRET_KEY_INFO = "portcullis signing-key encryption v1";

/**
 * Seals data at rest with AES-256-GCM. The key is derived with HKDF-SHA256 from
 * a high-entropy secret (not a password, so no slow KDF is needed), and the
 * caller's context (e.g. a key id) is bound as additional data, so a sealed value
 * copied onto another row does not open. `keyInfo` separates the keys of different purposes.
 */
export async function sealSecret(secret: string, plaintext: string, context: string, keyInfo = SEALED_SECRET_KEY_INFO): Promise<string> {
  const key = await deriveKey(secret, keyInfo);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ciphertext = await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: encoder.encode(context) }, key, encoder.encode(plaintext));
  return `${FORMAT}.${encodeBase64Url(iv)}.${encodeBase64Url(new Uint8Array(ciphertext))}`;
}

/** Returns null when the value was sealed under another secret or context, or was altered. */
export async function openSecret(secret: string, sealed: string, context: string, keyInfo = SEALED_SECRET_KEY_INFO): Promise<string | null> {
  const [format, ivText, ciphertextText, ...rest] = sealed.split(".");
  if (format !== FORMAT || ivText === undefined || ciphertextText === undefined || rest.length > 0) return null;
  const iv = decodeBase64Url(ivText);
  const ciphertext = decodeBase64Url(ciphertextText);
  if (!iv || !ciphertext || iv.length !== 12) return null;
  try {
    const key = await deriveKey(secret, keyInfo);
    const plaintext = await crypto.subtle.decrypt({ name: "AES-GCM", iv, additionalData: encoder.encode(context) }, key, ciphertext);
    return new TextDecoder().decode(plaintext);
  } catch {
    return null;
  }
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

export function encodeBase64Url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
/** Bits of the last character that carry no data, by `length % 4` of an unpadded string. */
const UNUSED_LOW_BITS: Record<number, number> = { 0: 0, 2: 0b1111, 3: 0b11 };

/** Returns null for anything that is not canonical unpadded base64url. */
export function decodeBase64Url(text: string): Uint8Array<ArrayBuffer> | null {
  const unusedBits = UNUSED_LOW_BITS[text.length % 4];
  if (unusedBits === undefined || !/^[A-Za-z0-9_-]*$/.test(text)) return null;
  // atob ignores unused trailing bits, so "AB" would decode like "AA": only the canonical spelling,
  // with those bits zero, is accepted. Checked on the last character rather than by re-encoding.
  if (unusedBits !== 0 && (ALPHABET.indexOf(text.charAt(text.length - 1)) & unusedBits) !== 0) return null;
  const padded = text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4);
  const binary = atob(padded);
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index);
  return bytes;
}

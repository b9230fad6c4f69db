const encoder = new TextEncoder();

/** The gate's key is the UTF-8 bytes of `GATE_SIGNING_SECRET`; RFC 9421's test key is raw bytes. */
export function importHmacKey(secret: string | Uint8Array<ArrayBuffer>, usage: "sign" | "verify"): Promise<CryptoKey> {
  const bytes = typeof secret === "string" ? utf8(secret) : secret;
  return crypto.subtle.importKey("raw", bytes, { name: "HMAC", hash: "SHA-256" }, false, [usage]);
}

export function utf8(text: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(encoder.encode(text));
}

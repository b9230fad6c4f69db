export type IdPrefix =
  | "tn" | "usr" | "ses" | "req" | "evt" | "key"
  // TOTP factors.
  | "totp"
  // Passkeys and their WebAuthn challenges.
  | "pkey" | "wac"
  // OAuth clients.
  | "cli"
  // Social connections and the identities linked through them.
  | "con" | "idn"
  // Webhook endpoints, their deliveries and attempts (events are `evt`).
  | "whk" | "dlv" | "att"
  // Operator console sessions.
  | "ops";

const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

/** 128 random bits in Crockford-style base32, behind a type prefix: `usr_5x0…`. */
export function newId(prefix: IdPrefix): string {
  return `${prefix}_${randomBase32(26)}`;
}

/** `length` base32 characters from the CSPRNG; 32 divides 256, so masking has no bias. */
export function randomBase32(length: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  let out = "";
  for (const byte of bytes) out += ALPHABET.charAt(byte & 31);
  return out;
}

export function isId(prefix: IdPrefix, value: string): boolean {
  return value.length === prefix.length + 27 && value.startsWith(`${prefix}_`) && /^[0-9a-hjkmnp-tv-z]{26}$/.test(value.slice(prefix.length + 1));
}

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
  const bytes = randomBytes(length);
  let out = "";
  for (const byte of bytes) out += ALPHABET.charAt(byte & 31);
  bytes.fill(0);
  return out;
}

/**
 * CSPRNG bytes drawn a few KiB at a time and handed out once each: the gate
 * mints an id for nearly every request, and one draw per id cost more than
 * the id itself. Callers use the bytes at once and wipe them.
 */
const POOL_BYTES = 4_096;
let pool = new Uint8Array(0);
let poolOffset = 0;

function randomBytes(length: number): Uint8Array {
  if (length > POOL_BYTES) return crypto.getRandomValues(new Uint8Array(length));
  if (poolOffset + length > pool.length) {
    pool = crypto.getRandomValues(new Uint8Array(POOL_BYTES));
    poolOffset = 0;
  }
  const bytes = pool.subarray(poolOffset, poolOffset + length);
  poolOffset += length;
  return bytes;
}

export function isId(prefix: IdPrefix, value: string): boolean {
  return value.length === prefix.length + 27 && value.startsWith(`${prefix}_`) && /^[0-9a-hjkmnp-tv-z]{26}$/.test(value.slice(prefix.length + 1));
}

import { hmacSha256Hex } from "./hashing";

/** How many codes a set holds. */
export const RECOVERY_CODE_COUNT = 10;

/**
 * Lower-case letters and digits without the look-alikes 0/o, 1/i/l: 31 symbols that survive
 * being read aloud, written down or typed from a printout.
 */
export const RECOVERY_CODE_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz";

/** Twelve symbols of 31: log2(31) × 12 ≈ 59.4 bits each. */
export const RECOVERY_CODE_LENGTH = 12;

const GROUP = 4;
/** The largest multiple of 31 a byte can hold: bytes at or above it are drawn again, so no symbol is likelier. */
const UNBIASED_LIMIT = 256 - (256 % RECOVERY_CODE_ALPHABET.length);

/** Bits of entropy in one code. */
export function recoveryCodeEntropyBits(): number {
  return RECOVERY_CODE_LENGTH * Math.log2(RECOVERY_CODE_ALPHABET.length);
}

/** A fresh set of codes, shown as `xxxx-xxxx-xxxx`. */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
}

function newRecoveryCode(): string {
  let symbols = "";
  while (symbols.length < RECOVERY_CODE_LENGTH) {
    for (const byte of crypto.getRandomValues(new Uint8Array(RECOVERY_CODE_LENGTH))) {
      if (byte < UNBIASED_LIMIT && symbols.length < RECOVERY_CODE_LENGTH) symbols += RECOVERY_CODE_ALPHABET.charAt(byte % RECOVERY_CODE_ALPHABET.length);
    }
  }
  return symbols.match(new RegExp(`.{${GROUP}}`, "g"))?.join("-") ?? symbols;
}

/**
 * A code as typed, in its one canonical form: case, spaces and dashes do not matter. Null when
 * what is left cannot be a code, so it is refused without a lookup.
 */
export function normalizeRecoveryCode(input: string): string | null {
  const compact = input.replace(/[\s-]/g, "").toLowerCase();
  if (compact.length !== RECOVERY_CODE_LENGTH) return null;
  for (const symbol of compact) if (!RECOVERY_CODE_ALPHABET.includes(symbol)) return null;
  return compact;
}

/**
 * How a code is stored: keyed (HMAC-SHA256 under a server secret), so a copy of the table is no
 * list to try offline, and bound to its user, so one user's code is never another's.
 */
export function recoveryCodeHash(secret: string, userId: string, normalized: string): Promise<string> {
  return hmacSha256Hex(secret, `recovery-code:${userId}:${normalized}`);
}

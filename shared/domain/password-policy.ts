import { isCommonPassword } from "./common-password-filter";

/**
 * NIST SP 800-63B §3.1.1.2 (rev. 4 §5.1.1.2): a length floor the tenant sets,
 * a ceiling of at least 64, no composition rules, any printable character or
 * space, Unicode normalised (NFKC) and counted in code points, and a check
 * against passwords known to be compromised.
 */
export const MAX_PASSWORD_LENGTH = 128;

export type WeakPasswordReason = "too_short" | "too_long" | "breached" | "matches_email";

/**
 * NFKC never folds more than a few code points into one, so a string this long
 * in UTF-16 units is over the ceiling without normalising it (which would cost
 * time in proportion to whatever size a client sent).
 */
const UNITS_CERTAINLY_TOO_LONG = MAX_PASSWORD_LENGTH * 32;

/**
 * Checks a new password. On success `normalized` (NFKC) is what to hash and
 * what later logins must present, normalised the same way (normalizePassword).
 * The bundled list of common passwords is consulted here; the range API of
 * breached passwords is the caller's second, asynchronous check.
 */
export function checkPassword(
  password: string,
  rules: { minLength: number; email: string | null },
): { ok: true; normalized: string } | { ok: false; reason: WeakPasswordReason } {
  if (password.length > UNITS_CERTAINLY_TOO_LONG) return { ok: false, reason: "too_long" };
  const normalized = normalizePassword(password);
  const length = codePoints(normalized);
  if (length < rules.minLength) return { ok: false, reason: "too_short" };
  if (length > MAX_PASSWORD_LENGTH) return { ok: false, reason: "too_long" };
  if (rules.email !== null && matchesEmail(normalized, rules.email)) return { ok: false, reason: "matches_email" };
  if (isCommonPassword(normalized)) return { ok: false, reason: "breached" };
  return { ok: true, normalized };
}

/** The form a password is hashed and verified in: a login normalises what it is given before verifyPassword. */
export function normalizePassword(password: string): string {
  return password.normalize("NFKC");
}

/**
 * Spaces, emoji and every script are allowed. Refused, as input no keyboard
 * produces: NUL (C strings and some password managers end there), and lone
 * surrogates, which UTF-8 cannot carry (they would all hash as U+FFFD, so
 * different strings would be one password). Routes refuse such a password as
 * malformed input before the policy is asked.
 */
export function hasUntypeableCharacter(password: string): boolean {
  return password.includes("\u0000") || LONE_SURROGATE.test(password);
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function codePoints(text: string): number {
  return Array.from(text).length;
}

/** The whole address or its local part, case-insensitively after NFKC. */
function matchesEmail(normalized: string, email: string): boolean {
  const candidate = normalized.toLowerCase();
  const address = email.normalize("NFKC").toLowerCase();
  const at = address.lastIndexOf("@");
  const local = at > 0 ? address.slice(0, at) : address;
  return candidate === address || candidate === local;
}

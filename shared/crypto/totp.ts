import { decodeBase32IgnorePadding, encodeBase32UpperCaseNoPadding } from "@oslojs/encoding";
import { bytesEqual } from "./constant-time";

/** RFC 6238 as authenticator apps read it by default: HMAC-SHA-1, six digits, 30-second steps. */
export const TOTP_DIGITS = 6;
export const TOTP_PERIOD_SECONDS = 30;
/** RFC 4226 §4 asks for at least 128 bits and recommends 160: the length of an SHA-1 output. */
export const TOTP_SECRET_BYTES = 20;
/** Steps either side of the current one that still count (RFC 6238 §5.2): one covers clock drift and typing. */
export const TOTP_STEP_TOLERANCE = 1;

const encoder = new TextEncoder();

/** A fresh shared secret, as authenticator apps take it: RFC 4648 base32, upper case, no padding. */
export function newTotpSecret(): string {
  return encodeBase32UpperCaseNoPadding(crypto.getRandomValues(new Uint8Array(TOTP_SECRET_BYTES)));
}

/** The secret's bytes; spaces, case and padding as people copy them are forgiven. Null when it is not base32. */
export function decodeTotpSecret(secret: string): Uint8Array | null {
  const compact = secret.replace(/[\s-]/g, "").toUpperCase();
  if (compact.length === 0 || !/^[A-Z2-7]+=*$/.test(compact)) return null;
  try {
    return decodeBase32IgnorePadding(compact.replace(/=+$/, ""));
  } catch {
    return null;
  }
}

/** The RFC 6238 time step `T` that `now` falls in. */
export function totpStep(now: Date): number {
  return Math.floor(now.getTime() / 1000 / TOTP_PERIOD_SECONDS);
}

/** The code for one time step: RFC 4226 HOTP over the step number, dynamically truncated. */
export async function totpCode(secret: Uint8Array, step: number, digits: number = TOTP_DIGITS): Promise<string> {
  if (!Number.isInteger(digits) || digits < 6 || digits > 10) throw new RangeError("TOTP codes have 6 to 10 digits");
  if (!Number.isSafeInteger(step) || step < 0) throw new RangeError("a time step is a non-negative integer");
  const key = await crypto.subtle.importKey("raw", new Uint8Array(secret), { name: "HMAC", hash: "SHA-1" }, false, ["sign"]);
  const counter = new Uint8Array(8);
  new DataView(counter.buffer).setBigUint64(0, BigInt(step));
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, counter));
  // RFC 4226 §5.3: the low nibble of the last byte picks four bytes; the top bit is dropped.
  const offset = (mac[mac.length - 1] ?? 0) & 0x0f;
  const binary = new DataView(mac.buffer).getUint32(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, "0");
}

/**
 * The time step whose code `code` is, among the previous, current and next step, or null.
 * Every candidate is computed and compared in constant time, so the answer's timing does not
 * tell which step (or whether any) matched. The caller accepts the step only if it is newer than
 * the last one it accepted, which is what makes a code single use.
 */
export async function verifyTotp(secret: Uint8Array, code: string, now: Date, digits: number = TOTP_DIGITS): Promise<number | null> {
  const current = totpStep(now);
  const presented = encoder.encode(code);
  let matched: number | null = null;
  for (let offset = -TOTP_STEP_TOLERANCE; offset <= TOTP_STEP_TOLERANCE; offset++) {
    const step = current + offset;
    const expected = encoder.encode(await totpCode(secret, step, digits));
    // Lengths are compared inside bytesEqual too; a code of the wrong length simply never matches.
    if (bytesEqual(presented, expected) && matched === null) matched = step;
  }
  return matched;
}

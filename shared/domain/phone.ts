import { parsePhoneNumberFromString, type PhoneNumberType } from "libphonenumber-js/max";
import { err, ok, type Result } from "../errors/result";

export interface NormalizedPhone {
  /** E.164, the only form any counter, hash or record is keyed on. */
  readonly e164: string;
  /** ISO 3166 alpha-2 region of the number, when libphonenumber can tell. */
  readonly country: string | null;
  readonly type: PhoneNumberType | undefined;
  /** Country calling code and the first four national digits, e.g. `+447911`: what SMS-pumping bursts share. */
  readonly prefix: string;
}

/** National digits kept in a number's velocity prefix. */
export const PREFIX_NATIONAL_DIGITS = 4;

/** Digits, one leading plus, and the separators people type; nothing else, so no number is pulled out of text. */
const PHONE_SHAPE = /^\+[0-9 ()\-.]{6,30}$/;

/**
 * Normalises what a client sent to E.164 with the full metadata. Only
 * international form is accepted (a national number would need a guess at the
 * country); extensions, letters and surrounding text are refused.
 */
export function normalizePhone(input: string): Result<NormalizedPhone, "invalid_phone"> {
  const trimmed = input.trim();
  if (!PHONE_SHAPE.test(trimmed)) return err("invalid_phone");
  const parsed = parsePhoneNumberFromString(trimmed, { extract: false });
  if (!parsed || parsed.ext || !parsed.isValid()) return err("invalid_phone");
  const prefix = `+${parsed.countryCallingCode}${parsed.nationalNumber.slice(0, PREFIX_NATIONAL_DIGITS)}`;
  return ok({ e164: parsed.number, country: parsed.country ?? null, type: parsed.getType(), prefix });
}

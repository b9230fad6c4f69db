import { parsePhoneNumberFromString, type PhoneNumber } from "libphonenumber-js/max";

/** `+`, a country code that does not start with 0, at most 15 digits in all. */
export const E164_SHAPE = /^\+[1-9]\d{1,14}$/;

/** The number when `value` is a valid, dialable number written in strict E.164; otherwise `undefined`. */
export function parseValidE164(value: string): PhoneNumber | undefined {
  if (!E164_SHAPE.test(value)) return undefined;
  const number = parsePhoneNumberFromString(value);
  return number?.isValid() && number.number === value ? number : undefined;
}

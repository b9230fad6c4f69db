import { err, ok, type Result } from "../errors/result";

/**
 * An address a person can receive mail at, as RFC 5321 and RFC 6531 allow it for
 * mailbox delivery. Deliberately stricter than the RFCs in what nobody uses for sign-up:
 * no quoted local parts, comments, IP-literal domains, or single-label hosts.
 */
export interface EmailAddress {
  /** As the user gave it (surrounding spaces dropped, Unicode in NFC): what is stored and shown. */
  readonly address: string;
  /** The same address compared case-insensitively: what uniqueness, lookups and keyed hashes use. */
  readonly key: string;
  /** The domain in ASCII (IDNA), lower case: safe for audit details and provider APIs. */
  readonly asciiDomain: string;
}

export const MAX_EMAIL_LENGTH = 254;
const MAX_LOCAL_PART_LENGTH = 64;
const MAX_LABEL_LENGTH = 63;

/** RFC 5322 atext, plus any non-ASCII character that is not a space or control (RFC 6531 UTF8-non-ascii). */
const ATEXT = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]$/;
const UNICODE_SPACE_OR_CONTROL = /[\p{Cc}\p{Cf}\p{Z}\u{FFFD}]/u;
const ASCII_LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

export function parseEmailAddress(input: string): Result<EmailAddress, "invalid_email"> {
  const address = input.trim().normalize("NFC");
  if (address.length === 0 || new TextEncoder().encode(address).length > MAX_EMAIL_LENGTH) return err("invalid_email");
  const at = address.lastIndexOf("@");
  if (at <= 0 || at === address.length - 1) return err("invalid_email");
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  if (!isDotAtom(local) || new TextEncoder().encode(local).length > MAX_LOCAL_PART_LENGTH) return err("invalid_email");
  const asciiDomain = toAsciiDomain(domain);
  if (asciiDomain === null) return err("invalid_email");
  return ok({ address, key: address.toLowerCase(), asciiDomain });
}

/** Atoms of atext joined by single dots; `@`, quotes, spaces and controls are not atext. */
function isDotAtom(local: string): boolean {
  const atoms = local.split(".");
  return atoms.every((atom) => atom.length > 0 && Array.from(atom).every(isAtext));
}

function isAtext(character: string): boolean {
  if (ATEXT.test(character)) return true;
  return (character.codePointAt(0) ?? 0) > 0x7f && !UNICODE_SPACE_OR_CONTROL.test(character);
}

/**
 * The domain through the WHATWG URL host parser (IDNA / UTS 46, as browsers and mail
 * clients do), then held to hostname rules: at least two labels, each 1..63 letters,
 * digits and inner hyphens, and a top-level label that is not all digits.
 */
function toAsciiDomain(domain: string): string | null {
  if (domain.length === 0 || /[\s/\\?#@:[\]%]/u.test(domain) || UNICODE_SPACE_OR_CONTROL.test(domain)) return null;
  let host: string;
  try {
    host = new URL(`http://${domain}`).hostname;
  } catch {
    return null;
  }
  if (host.length > 253) return null;
  const labels = host.split(".");
  if (labels.length < 2) return null;
  if (!labels.every((label) => label.length <= MAX_LABEL_LENGTH && ASCII_LABEL.test(label))) return null;
  const topLevel = labels.at(-1) ?? "";
  return /^[0-9]+$/.test(topLevel) ? null : host;
}

/** RFC 5321's limit on a forward path. */
const MAX_ADDRESS_LENGTH = 254;
const ADDRESS_SHAPE = /^[^\s@<>()[\],;:\\"\p{Cc}]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/u;
const NAMED_SHAPE = /^\s*(?:"[^"\p{Cc}]*"|[^<>"\p{Cc}]*?)\s*<([^<>]*)>\s*$/u;

/**
 * The address of `addr@domain` or `Name <addr@domain>`, as the providers' APIs accept them;
 * `null` for anything else. Roughly the providers' own check (one `@`, a dotted domain, no spaces
 * or controls), not a full RFC 5322 parser: the sandbox only has to refuse what they refuse.
 */
export function mailboxAddress(value: string): string | null {
  const named = NAMED_SHAPE.exec(value);
  const address = named ? (named[1] ?? "") : value.trim();
  return address.length <= MAX_ADDRESS_LENGTH && ADDRESS_SHAPE.test(address) ? address : null;
}

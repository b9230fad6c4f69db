/**
 * Postmark reads `To` as a comma-separated list and every provider accepts `Name <address>`, so a
 * recipient like `owner@example.com, attacker@evil.example` would send one message, a reset link
 * included, to two people. The accounts service validates addresses first; this is the last
 * check before the wire: exactly one `@`, nothing that separates, quotes or names, no whitespace
 * or controls, and a length a forward path can have (RFC 5321).
 */
const SINGLE_ADDRESS = /^[^@\s,;:<>()[\]"\\\p{Cc}\p{Z}]{1,64}@[^@\s,;:<>()[\]"\\\p{Cc}\p{Z}]{1,253}$/u;
const MAX_ADDRESS_LENGTH = 254;

export function isSingleRecipient(to: string): boolean {
  return to.length <= MAX_ADDRESS_LENGTH && SINGLE_ADDRESS.test(to);
}

export const NOT_A_SINGLE_RECIPIENT = "not_a_single_recipient";

/** What a tenant expects of a passed Turnstile challenge; an unset field is not checked. */
export interface TurnstileExpectations {
  /** Hostnames the widget may have been solved on (siteverify's `hostname`). */
  readonly hostnames?: readonly string[] | undefined;
  /** The widget's `data-action` (siteverify's `action`). */
  readonly action?: string | undefined;
}

/** What siteverify said about a passed challenge; null where the answer lacked the field. */
export interface TurnstileAnswer {
  readonly hostname: string | null;
  readonly action: string | null;
}

/**
 * Cloudflare's siteverify only says the token is genuine and unspent; where and for what it
 * was solved is for the caller to check. Returns the error code of the first mismatch, or null.
 */
export function turnstileAnswerMismatch(expected: TurnstileExpectations, answer: TurnstileAnswer): "hostname-mismatch" | "action-mismatch" | null {
  if (expected.hostnames !== undefined && (answer.hostname === null || !expected.hostnames.includes(answer.hostname.toLowerCase()))) return "hostname-mismatch";
  if (expected.action !== undefined && answer.action !== expected.action) return "action-mismatch";
  return null;
}

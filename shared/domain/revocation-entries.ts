import { CLOCK_SKEW_SECONDS, MAX_ACCESS_TOKEN_TTL_SECONDS } from "./access-token-claims";

/**
 * How revocations are written to the Upstash list and read back by the gate.
 * Both sides import this module, so the format has one definition.
 *
 *   rv:s:<sid>   "1"                       expires with the last token the session could have
 *   rv:um:<uid>  sorted set, member "before" scored T (epoch seconds): tokens of the user with iat < T are revoked;
 *                written with ZADD GT, so a mark only ever rises, whatever order publishes land in
 *   rv:u:<uid>   "<T>": the same mark as a string, as written before marks were sorted sets; still read
 *   rv:log       sorted set, score = Redis's clock when written (ms), member = "s|<sid>|<exp>" or "u|<uid>|<T>|<exp>"
 *
 * The per-key entries answer a strict per-request check; the log lets an
 * isolate fetch only what changed since its last sync.
 */
export const REVOCATION_LOG_KEY = "rv:log";

/**
 * How long a revocation must be kept: until every token it can match has
 * expired, even to a clock running the allowed skew behind. Entries expire,
 * the log is trimmed and the gate reads back this far.
 */
export const REVOCATION_LIFETIME_MS = (MAX_ACCESS_TOKEN_TTL_SECONDS + CLOCK_SKEW_SECONDS) * 1000;

/**
 * A log entry is scored with Redis's clock just before it is written; the writer
 * scores it again if it landed later than this after its score.
 */
export const REVOCATION_LOG_LANDING_MS = 5_000;

/**
 * How far before its last sync a gate reads the log again, and the extra margin
 * of the log's trimming and the gate's full read. Scores come from Redis's clock
 * and the gate compares them with its own, which may differ by the skew tolerated
 * everywhere else; an entry may also land up to REVOCATION_LOG_LANDING_MS after
 * its score. Re-reading an entry is harmless.
 */
export const REVOCATION_LOG_OVERLAP_MS = CLOCK_SKEW_SECONDS * 1000 + REVOCATION_LOG_LANDING_MS;

export function sessionKey(sessionId: string): string {
  return `rv:s:${sessionId}`;
}

export function userKey(userId: string): string {
  return `rv:um:${userId}`;
}

/** The one member of a user's mark set; its score is the mark. */
export const USER_MARK_MEMBER = "before";

/**
 * Where marks were kept as plain strings, which a later publish of an older mark could
 * lower. Read alongside the new key until the last of them has expired (one entry
 * lifetime after upgrading); never written.
 */
export function legacyUserKey(userId: string): string {
  return `rv:u:${userId}`;
}

/**
 * The "issued before" mark of a user revocation at `at`, in whole seconds like `iat`.
 * Rounded up, so a token issued earlier in the same second is revoked too; tokens minted
 * afterwards get an `iat` of at least this mark (see `issuedAtFor`), so they are not.
 */
export function revokedBeforeSeconds(at: Date): number {
  return Math.ceil(at.getTime() / 1000);
}

/** The `iat` for a token minted at `now` for a user whose tokens before `tokensValidAfter` are revoked. */
export function issuedAtFor(now: Date, tokensValidAfter: Date | null): number {
  const iat = Math.floor(now.getTime() / 1000);
  return tokensValidAfter === null ? iat : Math.max(iat, revokedBeforeSeconds(tokensValidAfter));
}

export type RevocationEntry =
  | { readonly kind: "session"; readonly sessionId: string; readonly expiresAtSeconds: number }
  | { readonly kind: "user"; readonly userId: string; readonly revokedBeforeSeconds: number; readonly expiresAtSeconds: number };

export function encodeLogMember(entry: RevocationEntry): string {
  return entry.kind === "session"
    ? `s|${entry.sessionId}|${entry.expiresAtSeconds}`
    : `u|${entry.userId}|${entry.revokedBeforeSeconds}|${entry.expiresAtSeconds}`;
}

export function decodeLogMember(member: string): RevocationEntry | null {
  const parts = member.split("|");
  if (parts[0] === "s" && parts.length === 3 && parts[1]) {
    const expiresAtSeconds = Number(parts[2]);
    return Number.isSafeInteger(expiresAtSeconds) ? { kind: "session", sessionId: parts[1], expiresAtSeconds } : null;
  }
  if (parts[0] === "u" && parts.length === 4 && parts[1]) {
    const revokedBeforeSeconds = Number(parts[2]);
    const expiresAtSeconds = Number(parts[3]);
    return Number.isSafeInteger(revokedBeforeSeconds) && Number.isSafeInteger(expiresAtSeconds)
      ? { kind: "user", userId: parts[1], revokedBeforeSeconds, expiresAtSeconds }
      : null;
  }
  return null;
}

import { secretsEqual } from "../../../../shared/crypto/constant-time";
import { CONSOLE_SIGN_IN_FAILURE_LIMIT, CONSOLE_SIGN_IN_WINDOW_MS } from "../../../../shared/domain/console-session";
import type { RequestContext } from "../../../../shared/domain/request-context";
import type { Failure } from "../../../../shared/errors/failure";
import { err, ok, type Result } from "../../../../shared/errors/result";
import type { RateLimiter } from "../../../../shared/ports/rate-limiter";
import type { AuditRecorder } from "../audit-recorder";
import { openConsoleSession, type ConsoleSession, type ConsoleSessionDeps } from "./console-session";

export interface ConsoleSignInDeps extends ConsoleSessionDeps {
  readonly rateLimiter: RateLimiter;
}

/** The rate limiter counter of one client network's console sign-ins (docs/storage-keys.md). */
export function consoleSignInKey(network: string): string {
  return `console-sign-in:${network}`;
}

/**
 * Signs an operator in with the deployment's ADMIN_TOKEN, compared in constant time.
 *
 * Every attempt is counted for its client network before the token is compared, so parallel
 * guesses are counted one by one; a right token hands its hit back, so only failures use up
 * the window. Counted per network with the RateLimiter, not the LoginGuard: the guard's
 * account-wide ceiling would let anyone with enough addresses lock every operator out.
 */
export async function signInToConsole(
  deps: ConsoleSignInDeps,
  audit: AuditRecorder,
  context: RequestContext,
  presented: string,
  now: Date,
): Promise<Result<{ readonly cookieValue: string; readonly maxAgeSeconds: number; readonly session: ConsoleSession }, Failure>> {
  const key = consoleSignInKey(context.network);
  const attempt = await deps.rateLimiter.hit(key, CONSOLE_SIGN_IN_FAILURE_LIMIT, CONSOLE_SIGN_IN_WINDOW_MS);
  if (!attempt.allowed) {
    const retryAfterSeconds = Math.ceil(attempt.retryAfterMs / 1000);
    audit.record("console.sign_in_failed", "blocked", { details: { reason: "throttled", retry_after_seconds: retryAfterSeconds } });
    return err({ reason: "too_many_attempts", retryAfterSeconds });
  }
  if (!(await secretsEqual(presented, deps.adminToken))) {
    audit.record("console.sign_in_failed", "failure", { details: { reason: "wrong_token", attempts_left: attempt.remaining } });
    return err({ reason: "unauthorized" });
  }
  await deps.rateLimiter.release(key, attempt.windowStart);
  const opened = await openConsoleSession(deps, now);
  audit.actingAs({ console_session: opened.session.id });
  audit.record("console.signed_in", "success", { details: { expires_at: opened.session.expiresAt.toISOString() } });
  return ok(opened);
}

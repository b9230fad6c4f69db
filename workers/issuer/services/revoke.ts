import { CLOCK_SKEW_SECONDS } from "../../../shared/domain/access-token-claims";
import { MAX_ACCESS_TOKEN_TTL_SECONDS } from "../../../shared/domain/tenant-settings";
import type { Logger } from "../../../shared/logging/logger";
import type { RevocationList } from "../../../shared/ports/revocation-list";
import type { RevocationStore, UserRevocation } from "../../../shared/ports/revocation-store";
import { drainRevocationOutbox } from "./revocation-publisher";

export interface RevokeDeps {
  readonly revocations: RevocationStore;
  readonly revocationList: RevocationList;
  readonly logger: Logger;
}

/** An entry must outlive every access token it can match: the longest lifetime any tenant may set, plus skew. */
export function revocationListExpiry(now: Date): Date {
  return new Date(now.getTime() + (MAX_ACCESS_TOKEN_TTL_SECONDS + CLOCK_SKEW_SECONDS) * 1000);
}

/**
 * Records the revocation in Postgres (acknowledged from then on) and pushes it
 * to the gate's list at once; if Upstash is down the outbox keeps it for the cron.
 */
export async function revokeSession(deps: RevokeDeps, sessionId: string, reason: string, now: Date): Promise<boolean> {
  const revoked = await deps.revocations.revokeSession(sessionId, reason, now, revocationListExpiry(now));
  await drainRevocationOutbox(deps.revocations, deps.revocationList, deps.logger);
  return revoked;
}

export async function revokeUser(deps: RevokeDeps, userId: string, change: UserRevocation, now: Date): Promise<{ sessionsRevoked: number } | null> {
  const result = await deps.revocations.revokeUser(userId, change, now, revocationListExpiry(now));
  await drainRevocationOutbox(deps.revocations, deps.revocationList, deps.logger);
  return result;
}

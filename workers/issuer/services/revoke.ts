import { REVOCATION_LIFETIME_MS } from "../../../shared/domain/revocation-entries";
import type { Logger } from "../../../shared/logging/logger";
import type { RevocationList } from "../../../shared/ports/revocation-list";
import type { RevocationStore, UserRevocation } from "../../../shared/ports/revocation-store";
import { drainRevocationOutbox } from "./revocation-publisher";

export interface RevokeDeps {
  readonly revocations: RevocationStore;
  readonly revocationList: RevocationList;
  readonly logger: Logger;
}

/** An entry must outlive every access token it can match. */
export function revocationListExpiry(now: Date): Date {
  return new Date(now.getTime() + REVOCATION_LIFETIME_MS);
}

/**
 * Records the revocation in Postgres (acknowledged from then on) and pushes it
 * to the gate's list at once; if Upstash is down the outbox keeps it for the cron.
 */
export async function revokeSession(deps: RevokeDeps, sessionId: string, reason: string, now: Date): Promise<boolean> {
  const queued = await deps.revocations.revokeSession(sessionId, reason, now, revocationListExpiry(now));
  await drainRevocationOutbox(deps.revocations, deps.revocationList, deps.logger, { first: queued === null ? [] : [queued] });
  return queued !== null;
}

export async function revokeUser(deps: RevokeDeps, userId: string, change: UserRevocation, now: Date, newRoles?: readonly string[]): Promise<{ sessionsRevoked: number } | null> {
  const result = await deps.revocations.revokeUser(userId, change, now, revocationListExpiry(now), newRoles);
  await drainRevocationOutbox(deps.revocations, deps.revocationList, deps.logger, { first: result === null ? [] : result.outboxIds });
  return result === null ? null : { sessionsRevoked: result.sessionsRevoked };
}

/** Every other session of the user, published like `revokeSession`; the caller's own session stays. */
export async function revokeOtherSessions(deps: RevokeDeps, userId: string, keepSessionId: string, reason: string, now: Date): Promise<number> {
  const result = await deps.revocations.revokeOtherSessions(userId, keepSessionId, reason, now, revocationListExpiry(now));
  await drainRevocationOutbox(deps.revocations, deps.revocationList, deps.logger, { first: result.outboxIds });
  return result.sessionsRevoked;
}

/** Deletes the client and revokes its sessions and `client_credentials` tokens, published like `revokeUser`; null when there is no such client. */
export async function revokeClient(deps: RevokeDeps, tenantId: string, clientId: string, now: Date): Promise<{ sessionsRevoked: number } | null> {
  const result = await deps.revocations.revokeClient(tenantId, clientId, now, revocationListExpiry(now));
  await drainRevocationOutbox(deps.revocations, deps.revocationList, deps.logger, { first: result === null ? [] : result.outboxIds });
  return result === null ? null : { sessionsRevoked: result.sessionsRevoked };
}

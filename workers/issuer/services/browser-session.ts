import { decodeJwt } from "jose";
import { sha256Hex } from "../../../shared/crypto/hashing";
import { randomBase32 } from "../../../shared/crypto/ids";
import type { AmrValue } from "../../../shared/domain/authentication-methods";
import type { BrowserSessionRecord, BrowserSessionStore } from "../../../shared/ports/browser-session-store";
import type { AuditRecorder } from "./audit-recorder";
import { revokeSession, type RevokeDeps } from "./revoke";

/** A browser stays signed in at the issuer this long at most; each session under it keeps its own lifetime. */
export const BROWSER_SESSION_TTL_SECONDS = 14 * 24 * 60 * 60;

/** `bs_` and 160 random bits (32 base32 characters); only the SHA-256 is stored. */
const BROWSER_SESSION_ID = /^bs_[0-9a-hjkmnp-tv-z]{32}$/;

export interface BrowserSessionDeps extends RevokeDeps {
  readonly browserSessions: BrowserSessionStore;
}

/** What a token pair just minted by a sign-in service says of it: the session it opened and how (`sid`, `amr`). */
export function signInOf(accessToken: string): { readonly sessionId: string; readonly amr: readonly AmrValue[] } {
  const { sid, amr } = decodeJwt(accessToken);
  if (typeof sid !== "string" || !Array.isArray(amr)) throw new Error("an access token without sid or amr");
  return { sessionId: sid, amr: amr as AmrValue[] };
}

/** After a sign-in through a hosted page: a new browser session bound to the session that sign-in opened. */
export async function openBrowserSession(
  deps: BrowserSessionDeps,
  signIn: { readonly tenantId: string; readonly userId: string; readonly sessionId: string; readonly amr: readonly AmrValue[] },
  now: Date,
): Promise<{ readonly cookieValue: string; readonly maxAgeSeconds: number }> {
  const id = `bs_${randomBase32(32)}`;
  await deps.browserSessions.open(
    { idHash: await sha256Hex(id), tenantId: signIn.tenantId, userId: signIn.userId, sessionId: signIn.sessionId, authTime: now, amr: signIn.amr, expiresAt: new Date(now.getTime() + BROWSER_SESSION_TTL_SECONDS * 1000) },
    now,
  );
  return { cookieValue: id, maxAgeSeconds: BROWSER_SESSION_TTL_SECONDS };
}

/** The live browser session a cookie names, or null (absent, malformed, ended, or all its sessions revoked). */
export async function currentBrowserSession(deps: Pick<BrowserSessionDeps, "browserSessions">, cookieValue: string | undefined, now: Date): Promise<BrowserSessionRecord | null> {
  if (cookieValue === undefined || !BROWSER_SESSION_ID.test(cookieValue)) return null;
  return deps.browserSessions.findLive(await sha256Hex(cookieValue), now);
}

/** Signing out of the browser: the browser session ends and every session opened under it is revoked (and published to the gate). */
export async function endBrowserSession(deps: BrowserSessionDeps, audit: AuditRecorder, cookieValue: string | undefined, now: Date): Promise<number> {
  if (cookieValue === undefined || !BROWSER_SESSION_ID.test(cookieValue)) return 0;
  const idHash = await sha256Hex(cookieValue);
  const record = await deps.browserSessions.findLive(idHash, now);
  const sessionIds = await deps.browserSessions.end(idHash, now);
  for (const sessionId of sessionIds) await revokeSession(deps, sessionId, "browser_sign_out", now);
  if (record !== null) audit.record("auth.logged_out", "success", { tenantId: record.tenantId, userId: record.userId, details: { browser_session: true, sessions_revoked: sessionIds.length } });
  return sessionIds.length;
}

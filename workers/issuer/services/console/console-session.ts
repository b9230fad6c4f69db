import { secretsEqual } from "../../../../shared/crypto/constant-time";
import { hmacSha256Hex, sha256Hex } from "../../../../shared/crypto/hashing";
import { newId, randomBase32 } from "../../../../shared/crypto/ids";
import { CONSOLE_SESSION_ABSOLUTE_MS, consoleSessionVerdict, needsTouch } from "../../../../shared/domain/console-session";
import type { ConsoleSessionStore } from "../../../../shared/ports/console-session-store";
import type { AuditRecorder } from "../audit-recorder";

/*
 * Console sessions live in a Postgres table (`console_sessions`), not a Durable Object: every
 * console page reads Postgres anyway, so the table adds no dependency a page does not already
 * have; there are a handful of rows (one per operator sign-in), each found by a unique index;
 * signing out is one UPDATE and needs no serialisation a Durable Object would buy; and the rows
 * survive deploys and are pruned with one DELETE. A Durable Object would add a class, a binding
 * and a migration for nothing the console needs.
 */

export interface ConsoleSessionDeps {
  readonly consoleSessions: ConsoleSessionStore;
  /** The deployment's ADMIN_TOKEN now: a session opened with another is refused. */
  readonly adminToken: string;
  /** Keys the ADMIN_TOKEN's tag (OTP_HASH_SECRET), so the stored tag says nothing about the token to whoever reads the table. */
  readonly hashSecret: string;
}

/** An operator's live console session, as pages show it. */
export interface ConsoleSession {
  readonly id: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
}

/** `console_` and 160 random bits (32 base32 characters); only the SHA-256 is stored. */
const COOKIE_VALUE = /^console_[0-9a-hjkmnp-tv-z]{32}$/;

function adminTokenTag(deps: Pick<ConsoleSessionDeps, "adminToken" | "hashSecret">): Promise<string> {
  return hmacSha256Hex(deps.hashSecret, `console-admin-token:${deps.adminToken}`);
}

/** A new session bound to the current ADMIN_TOKEN; the cookie lives as long as the session's absolute limit. */
export async function openConsoleSession(deps: ConsoleSessionDeps, now: Date): Promise<{ readonly cookieValue: string; readonly maxAgeSeconds: number; readonly session: ConsoleSession }> {
  const cookieValue = `console_${randomBase32(32)}`;
  const session = { id: newId("ops"), createdAt: now, expiresAt: new Date(now.getTime() + CONSOLE_SESSION_ABSOLUTE_MS) };
  // Sessions past their absolute end are dead anyway; a sign-in is rare enough to sweep them.
  await deps.consoleSessions.prune(now);
  await deps.consoleSessions.open({ id: session.id, tokenHash: await sha256Hex(cookieValue), adminTokenTag: await adminTokenTag(deps), expiresAt: session.expiresAt }, now);
  return { cookieValue, maxAgeSeconds: CONSOLE_SESSION_ABSOLUTE_MS / 1000, session };
}

/**
 * The live session a cookie names, or null: absent, malformed, unknown, signed out, idle too
 * long, past its absolute end, or opened with an ADMIN_TOKEN that has since been rotated.
 * A live session's use is recorded (at most once a minute), which restarts the idle limit.
 */
export async function currentConsoleSession(deps: ConsoleSessionDeps, cookieValue: string | undefined, now: Date): Promise<ConsoleSession | null> {
  if (cookieValue === undefined || !COOKIE_VALUE.test(cookieValue)) return null;
  const record = await deps.consoleSessions.find(await sha256Hex(cookieValue));
  if (record === null) return null;
  const madeWithCurrentToken = await secretsEqual(record.adminTokenTag, await adminTokenTag(deps));
  if (consoleSessionVerdict(record, now, madeWithCurrentToken) !== "live") return null;
  if (needsTouch(record, now)) await deps.consoleSessions.touch(record.id, now);
  return { id: record.id, createdAt: record.createdAt, expiresAt: record.expiresAt };
}

/** Signing out: the session ends at once, whatever the browser keeps. */
export async function endConsoleSession(deps: Pick<ConsoleSessionDeps, "consoleSessions">, audit: AuditRecorder, session: ConsoleSession, now: Date): Promise<void> {
  await deps.consoleSessions.end(session.id, now);
  audit.record("console.signed_out", "success", { details: { console_session: session.id } });
}

import { hmacSha256Hex } from "../../../shared/crypto/hashing";
import { newId } from "../../../shared/crypto/ids";
import type { AmrValue } from "../../../shared/domain/authentication-methods";
import type { EmailAddress } from "../../../shared/domain/email-address";
import type { RequestContext } from "../../../shared/domain/request-context";
import type { Failure } from "../../../shared/errors/failure";
import { err, ok, type Result } from "../../../shared/errors/result";
import type { SessionStore, UserSignInOutcome } from "../../../shared/ports/session-store";
import type { AuditRecorder } from "./audit-recorder";
import type { SignInTenant } from "./phone-sign-in";
import { mintTokenPair, newRefreshTokenWithHash, type TokenPair } from "./session-tokens";
import type { ActiveSigner } from "./signing-keys";

/** Every success that signs someone in by email or password answers this (a phone verify adds `verified`). */
export interface SignedIn extends TokenPair {
  readonly user_id: string;
  readonly is_new_user: boolean;
}

export interface AccountSessionDeps {
  readonly sessions: SessionStore;
  readonly issuer: string;
}

/** How the session was earned, as RFC 8176 `amr` values (see `authentication-methods`). */
export type AccountAmr = AmrValue;

/**
 * Keyed, like phone hashes, so an object name or a stored key does not reveal an address:
 * the email code guard's object and the login throttle's account key.
 */
export function emailKey(secret: string, address: EmailAddress): Promise<string> {
  return hmacSha256Hex(secret, `email:${address.key}`);
}

/**
 * The issuer's page that completes a link with a POST (scanners only GET): the password reset
 * and address verification pages for those links, the link page for sign-in links. The link
 * page still takes every kind, for links mailed before the dedicated pages existed.
 */
export function emailLinkUrl(issuerUrl: string, token: string, page: "/auth/link" | "/reset-password" | "/verify-email" = "/auth/link", continueRequest?: string): string {
  const url = new URL(page, issuerUrl);
  url.searchParams.set("token", token);
  // The page checks it again on use; the link's token, not this, is what proves anything.
  if (continueRequest !== undefined) url.searchParams.set("request", continueRequest);
  return url.toString();
}

/** A session for a known user. `signer` is loaded before anything is spent, so an outage leaves codes and links usable. */
export function openUserSession(
  deps: AccountSessionDeps,
  audit: AuditRecorder,
  context: RequestContext,
  tenant: SignInTenant,
  request: { readonly signer: ActiveSigner; readonly userId: string; readonly amr: readonly AccountAmr[]; readonly details?: Record<string, unknown> },
): Promise<Result<SignedIn, Failure>> {
  return openSession(deps, audit, context, tenant, request, (session) => deps.sessions.openForUser({ tenantId: tenant.tenant.id, userId: request.userId, session }));
}

/** A session for whoever holds this (verified) address, created on first sign-in. */
export function openEmailSession(
  deps: AccountSessionDeps,
  audit: AuditRecorder,
  context: RequestContext,
  tenant: SignInTenant,
  request: { readonly signer: ActiveSigner; readonly email: EmailAddress; readonly details?: Record<string, unknown> },
): Promise<Result<SignedIn, Failure>> {
  const { settings } = tenant;
  return openSession(deps, audit, context, tenant, { ...request, amr: ["otp"] }, (session) =>
    deps.sessions.openForEmail({ tenantId: tenant.tenant.id, email: request.email.address, newUser: { id: newId("usr"), roles: settings.default_roles }, session }),
  );
}

async function openSession(
  deps: AccountSessionDeps,
  audit: AuditRecorder,
  context: RequestContext,
  { tenant, settings }: SignInTenant,
  request: { readonly signer: ActiveSigner; readonly amr: readonly AccountAmr[]; readonly details?: Record<string, unknown> },
  open: (session: Parameters<SessionStore["openForUser"]>[0]["session"]) => Promise<UserSignInOutcome>,
): Promise<Result<SignedIn, Failure>> {
  const now = new Date();
  const sessionId = newId("ses");
  const refresh = await newRefreshTokenWithHash();
  const outcome = await open({
    id: sessionId,
    refreshTokenHash: refresh.hash,
    expiresAt: new Date(now.getTime() + settings.refresh_token_ttl_seconds * 1000),
    ip: context.ip,
    userAgent: context.userAgent,
    amr: request.amr,
    authTime: now,
  });
  if (outcome.kind === "user_gone") return err({ reason: "code_expired" });
  if (outcome.kind === "user_disabled") {
    audit.record("auth.verify_failed", "blocked", { tenantId: tenant.id, userId: outcome.user.id, details: { reason: "user_disabled" } });
    return err({ reason: "user_disabled" });
  }
  const { user, created } = outcome;
  const pair = await mintTokenPair({ signer: request.signer, issuer: deps.issuer, settings, user, sessionId, authentication: { amr: request.amr, authTime: now }, refreshToken: refresh.token, now });
  audit.record("auth.signed_in", "success", { tenantId: tenant.id, userId: user.id, details: { ...request.details, session_id: sessionId, new_user: created, amr: request.amr } });
  return ok({ ...pair, user_id: user.id, is_new_user: created });
}

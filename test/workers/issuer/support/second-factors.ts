/**
 * Second factors for tests: the issuer's own services and store, a recorder whose events land
 * in the audit log, and codes computed the way an authenticator app computes them.
 */
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { passkeys, sessions } from "../../../../drizzle/schema";
import { newId } from "../../../../shared/crypto/ids";
import { newRecoveryCodes, normalizeRecoveryCode, recoveryCodeHash } from "../../../../shared/crypto/recovery-codes";
import { decodeTotpSecret, newTotpSecret, totpCode, totpStep } from "../../../../shared/crypto/totp";
import { withSecondFactor, type AmrValue } from "../../../../shared/domain/authentication-methods";
import { resolveTenantSettings } from "../../../../shared/domain/tenant-settings";
import { issuerDeps } from "../../../../workers/issuer/deps";
import { openUserSession } from "../../../../workers/issuer/services/account-session";
import { AuditRecorder } from "../../../../workers/issuer/services/audit-recorder";
import { sealTotpSecret, secondFactorDeps, type SecondFactorDeps } from "../../../../workers/issuer/services/second-factors";
import { testDb } from "./account-rows";
import { adminFetch, decodeJwtPart, issuerFetch, jsonRequest, refresh, withBearer, type TenantCredentials } from "./issuer-client";

export const deps = issuerDeps(env);

/** The services' deps with a recorder of their own; `flush` writes what they audited. */
export function factorDeps(): SecondFactorDeps & { flush: () => Promise<void> } {
  const audit = new AuditRecorder(deps.auditLog, deps.auditSpool, { requestId: newId("req"), ip: null, network: "test", userAgent: null, country: null }, deps.logger);
  return { ...secondFactorDeps(deps, audit), flush: async () => { await audit.flush(); } };
}

/** The code an authenticator app shows for `secret` (base32) at `now`, `offset` steps away. */
export async function appCode(secret: string, now: Date, offset = 0): Promise<string> {
  const bytes = decodeTotpSecret(secret);
  if (!bytes) throw new Error("not a base32 secret");
  return totpCode(bytes, totpStep(now) + offset);
}

/** An active TOTP factor written through the store (start, then confirm at `confirmedStep`), with a fresh set of recovery codes. */
export async function storeActiveTotp(owner: { tenantId: string; userId: string }, now = new Date(), confirmedStep = totpStep(now) - 5): Promise<{ factorId: string; secret: string; recoveryCodes: string[] }> {
  const factorId = newId("totp");
  const secret = newTotpSecret();
  const started = await deps.secondFactors.startTotp({ id: factorId, ...owner, sealedSecret: await sealTotpSecret(deps.config.keyEncryptionSecret, factorId, secret) }, now);
  if (!started) throw new Error("the user already has an active factor");
  const recoveryCodes = newRecoveryCodes();
  const codeHashes = await Promise.all(recoveryCodes.map((code) => recoveryCodeHash(deps.config.otpHashSecret, owner.userId, normalizeRecoveryCode(code) ?? "")));
  const confirmed = await deps.secondFactors.confirmTotp(owner, factorId, { step: confirmedStep, codeHashes, now, pendingSince: new Date(now.getTime() - 60_000) });
  if (!confirmed) throw new Error("the pending factor did not confirm");
  return { factorId, secret, recoveryCodes };
}

export interface AuditRow {
  readonly type: string;
  readonly outcome: string;
  readonly user_id: string | null;
  readonly details: Record<string, unknown>;
}

/** The user's audit events of one type, newest first. */
export async function auditEvents(userId: string, type: string): Promise<AuditRow[]> {
  const response = await adminFetch(`/api/admin/audit?user_id=${userId}&type=${type}&limit=100`);
  if (response.status !== 200) throw new Error(`audit read failed: ${response.status}`);
  return (await response.json<{ events: AuditRow[] }>()).events;
}

/**
 * An access token of a new session for `userId`, opened the way a sign-in opens one, with the
 * methods given (by default a password and a TOTP code: two factors). `signedInSecondsAgo`
 * moves the session's sign-in back, and the token is then one its refresh mints, which keeps
 * the session's `auth_time`.
 */
export async function sessionToken(
  tenant: TenantCredentials,
  userId: string,
  options: { amr?: readonly AmrValue[]; signedInSecondsAgo?: number } = {},
): Promise<{ token: string; refreshToken: string; sessionId: string }> {
  const record = await deps.tenants.find(tenant.tenant_id);
  if (!record) throw new Error("no such tenant");
  const settings = resolveTenantSettings(record.settings, { tenantName: record.name, defaultAudience: deps.config.defaultAudience });
  const audit = new AuditRecorder(deps.auditLog, deps.auditSpool, { requestId: newId("req"), ip: null, network: "test", userAgent: null, country: null }, deps.logger);
  const opened = await openUserSession({ ...deps, issuer: deps.config.issuerUrl }, audit, { requestId: newId("req"), ip: null, network: "test", userAgent: null, country: null }, { tenant: record, settings }, {
    signer: await deps.signingKeys.currentSigner(),
    userId,
    amr: options.amr ?? withSecondFactor(["pwd"], ["otp"]),
  });
  await audit.flush();
  if (!opened.ok) throw new Error(`no session: ${opened.error.reason}`);
  const sessionId = String(decodeJwtPart(opened.value.token, 1).sid);
  if (options.signedInSecondsAgo === undefined) return { token: opened.value.token, refreshToken: opened.value.refresh_token, sessionId };
  await testDb.update(sessions).set({ authTime: new Date(Date.now() - options.signedInSecondsAgo * 1000) }).where(eq(sessions.id, sessionId));
  const refreshed = await refresh(tenant.api_key, opened.value.refresh_token);
  if (refreshed.status !== 200) throw new Error(`refresh failed: ${refreshed.status}`);
  const pair = await refreshed.json<{ token: string; refresh_token: string }>();
  return { token: pair.token, refreshToken: pair.refresh_token, sessionId };
}

function bearerCall(method: string, path: string, token: string, body?: unknown): Promise<Response> {
  return issuerFetch(path, withBearer(token, body === undefined ? { method } : jsonRequest(method, body)));
}

export const startTotp = (token: string) => bearerCall("POST", "/api/auth/mfa/totp", token);
export const confirmTotp = (token: string, code: string) => bearerCall("POST", "/api/auth/mfa/totp/confirm", token, { code });
export const removeTotp = (token: string) => bearerCall("DELETE", "/api/auth/mfa/totp", token);
export const renewRecoveryCodes = (token: string) => bearerCall("POST", "/api/auth/mfa/recovery-codes", token);

export interface TotpStarted {
  readonly factor_id: string;
  readonly secret: string;
  readonly otpauth_uri: string;
}

/** Enrols TOTP through the routes with `token`: start, then confirm with the app's current code. */
export async function enrolTotp(token: string, now = new Date()): Promise<TotpStarted & { recoveryCodes: string[] }> {
  const started = await startTotp(token);
  if (started.status !== 200) throw new Error(`start failed: ${started.status} ${await started.text()}`);
  const body = await started.json<TotpStarted>();
  const confirmed = await confirmTotp(token, await appCode(body.secret, now));
  if (confirmed.status !== 200) throw new Error(`confirm failed: ${confirmed.status} ${await confirmed.text()}`);
  return { ...body, recoveryCodes: (await confirmed.json<{ recovery_codes: string[] }>()).recovery_codes };
}

/** `mfa` of GET /api/auth/me. */
export async function mfaOf(token: string): Promise<unknown> {
  const response = await issuerFetch("/api/auth/me", withBearer(token));
  if (response.status !== 200) throw new Error(`me failed: ${response.status}`);
  return (await response.json<{ mfa: unknown }>()).mfa;
}

/** A passkey row, as registration would write it: enough for the counts and the "second factor left" rules. */
export async function insertPasskey(owner: { tenantId: string; userId: string }): Promise<string> {
  const id = `pk_${crypto.randomUUID().replace(/-/g, "")}`;
  await testDb.insert(passkeys).values({ id, tenantId: owner.tenantId, userId: owner.userId, credentialId: crypto.randomUUID(), publicKey: "unused", algorithm: -7, name: "test key" });
  return id;
}

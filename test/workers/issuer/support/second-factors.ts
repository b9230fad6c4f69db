/**
 * Second factors for tests: the issuer's own services and store, a recorder whose events land
 * in the audit log, and codes computed the way an authenticator app computes them.
 */
import { env } from "cloudflare:workers";
import { newId } from "../../../../shared/crypto/ids";
import { newRecoveryCodes, normalizeRecoveryCode, recoveryCodeHash } from "../../../../shared/crypto/recovery-codes";
import { decodeTotpSecret, newTotpSecret, totpCode, totpStep } from "../../../../shared/crypto/totp";
import { issuerDeps } from "../../../../workers/issuer/deps";
import { AuditRecorder } from "../../../../workers/issuer/services/audit-recorder";
import { sealTotpSecret, secondFactorDeps, type SecondFactorDeps } from "../../../../workers/issuer/services/second-factors";
import { adminFetch } from "./issuer-client";

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

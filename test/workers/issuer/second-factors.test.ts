import { describe, expect, it } from "vitest";
import { newId } from "../../../shared/crypto/ids";
import { newRecoveryCodes } from "../../../shared/crypto/recovery-codes";
import { totpStep } from "../../../shared/crypto/totp";
import { checkTotpCode, secondFactorSummary, spendRecoveryCode } from "../../../workers/issuer/services/second-factors";
import { createTenant, signIn } from "./support/issuer-client";
import { appCode, auditEvents, deps, factorDeps, storeActiveTotp } from "./support/second-factors";

async function newUser(): Promise<{ tenantId: string; userId: string }> {
  const tenant = await createTenant();
  const user = await signIn(tenant);
  return { tenantId: tenant.tenant_id, userId: user.user_id };
}

describe("secondFactorSummary", () => {
  it("counts an active TOTP factor and the unused recovery codes, and nothing for a user without factors", async () => {
    const owner = await newUser();
    expect(await secondFactorSummary(factorDeps(), owner.userId)).toEqual({ totp: false, passkeys: 0, recoveryCodesRemaining: 0 });
    const { recoveryCodes } = await storeActiveTotp(owner);
    expect(await secondFactorSummary(factorDeps(), owner.userId)).toEqual({ totp: true, passkeys: 0, recoveryCodesRemaining: 10 });
    expect(await spendRecoveryCode(factorDeps(), owner, recoveryCodes[3] ?? "", new Date())).toBe(true);
    expect(await secondFactorSummary(factorDeps(), owner.userId)).toEqual({ totp: true, passkeys: 0, recoveryCodesRemaining: 9 });
  });

  it("does not count a pending factor as a second factor", async () => {
    const owner = await newUser();
    expect(await deps.secondFactors.startTotp({ id: newId("totp"), ...owner, sealedSecret: "v2.unused.unused" }, new Date())).toBe(true);
    expect((await secondFactorSummary(factorDeps(), owner.userId)).totp).toBe(false);
  });
});

describe("checkTotpCode", () => {
  it("accepts the current code once: a replay within the same step is refused", async () => {
    const owner = await newUser();
    const { secret } = await storeActiveTotp(owner);
    const now = new Date();
    const code = await appCode(secret, now);
    expect(await checkTotpCode(factorDeps(), owner, code, now)).toBe(true);
    expect(await checkTotpCode(factorDeps(), owner, code, now)).toBe(false);
  });

  it("accepts the previous step's code, then the next step's, and then refuses the current one (older than the last accepted)", async () => {
    const owner = await newUser();
    const { secret } = await storeActiveTotp(owner);
    const now = new Date();
    expect(await checkTotpCode(factorDeps(), owner, await appCode(secret, now, -1), now)).toBe(true);
    expect(await checkTotpCode(factorDeps(), owner, await appCode(secret, now, 1), now)).toBe(true);
    // Within the window, but older than the last accepted step.
    expect(await checkTotpCode(factorDeps(), owner, await appCode(secret, now, 0), now)).toBe(false);
  });

  it("refuses a code two steps away, a malformed code, and any code from a user without an active factor", async () => {
    const owner = await newUser();
    const { secret } = await storeActiveTotp(owner);
    const now = new Date();
    expect(await checkTotpCode(factorDeps(), owner, await appCode(secret, now, -2), now)).toBe(false);
    expect(await checkTotpCode(factorDeps(), owner, await appCode(secret, now, 2), now)).toBe(false);
    for (const malformed of ["", "12345", "1234567", "12 456", "١٢٣٤٥٦"]) expect(await checkTotpCode(factorDeps(), owner, malformed, now)).toBe(false);
    const stranger = await newUser();
    expect(await checkTotpCode(factorDeps(), stranger, await appCode(secret, now), now)).toBe(false);
  });

  it("refuses a code at or before the step that confirmed the factor (the enrolment code is not a sign-in code)", async () => {
    const owner = await newUser();
    const now = new Date();
    const { secret } = await storeActiveTotp(owner, now, totpStep(now));
    expect(await checkTotpCode(factorDeps(), owner, await appCode(secret, now), now)).toBe(false);
    expect(await checkTotpCode(factorDeps(), owner, await appCode(secret, now, -1), now)).toBe(false);
    expect(await checkTotpCode(factorDeps(), owner, await appCode(secret, now, 1), now)).toBe(true);
  });

  it("refuses a user's code presented under another tenant's id, and the refusal spends nothing", async () => {
    const owner = await newUser();
    const { secret } = await storeActiveTotp(owner);
    const other = await newUser();
    await storeActiveTotp(other);
    const now = new Date();
    expect(await checkTotpCode(factorDeps(), { tenantId: other.tenantId, userId: owner.userId }, await appCode(secret, now), now)).toBe(false);
    // The owner's code still works: the refused attempts spent nothing.
    expect(await checkTotpCode(factorDeps(), owner, await appCode(secret, now), now)).toBe(true);
  });

  it("has exactly one winner when the same code is presented by many requests at once", async () => {
    const owner = await newUser();
    const { secret } = await storeActiveTotp(owner);
    const now = new Date();
    const code = await appCode(secret, now);
    const outcomes = await Promise.all(Array.from({ length: 8 }, () => checkTotpCode(factorDeps(), owner, code, now)));
    expect(outcomes.filter(Boolean)).toHaveLength(1);
  });
});

describe("spendRecoveryCode", () => {
  it("takes every code of the set once and only once, as typed with any case, spaces or dashes", async () => {
    const owner = await newUser();
    const { recoveryCodes } = await storeActiveTotp(owner);
    const now = new Date();
    for (const [index, code] of recoveryCodes.entries()) {
      const typed = index % 2 === 0 ? code.toUpperCase() : ` ${code.replace(/-/g, " ")} `;
      expect(await spendRecoveryCode(factorDeps(), owner, typed, now)).toBe(true);
    }
    for (const code of recoveryCodes) expect(await spendRecoveryCode(factorDeps(), owner, code, now)).toBe(false);
    expect((await secondFactorSummary(factorDeps(), owner.userId)).recoveryCodesRemaining).toBe(0);
  });

  it("audits a spent code with the count left, and never the code", async () => {
    const owner = await newUser();
    const { recoveryCodes } = await storeActiveTotp(owner);
    const spending = factorDeps();
    expect(await spendRecoveryCode(spending, owner, recoveryCodes[0] ?? "", new Date())).toBe(true);
    await spending.flush();
    const [event] = await auditEvents(owner.userId, "mfa.recovery_code_used");
    expect(event).toMatchObject({ outcome: "success", user_id: owner.userId, details: { remaining: 9 } });
    expect(JSON.stringify(event)).not.toContain((recoveryCodes[0] ?? "").slice(0, 4));
  });

  it("refuses another user's code, a made-up code and garbage, and spends nothing", async () => {
    const owner = await newUser();
    const { recoveryCodes } = await storeActiveTotp(owner);
    const other = await newUser();
    await storeActiveTotp(other);
    const now = new Date();
    expect(await spendRecoveryCode(factorDeps(), other, recoveryCodes[0] ?? "", now)).toBe(false);
    expect(await spendRecoveryCode(factorDeps(), owner, newRecoveryCodes()[0] ?? "", now)).toBe(false);
    for (const garbage of ["", "' or 1=1 --", "x".repeat(5000), "\u0000abcd-efgh-jkmn"]) expect(await spendRecoveryCode(factorDeps(), owner, garbage, now)).toBe(false);
    expect((await secondFactorSummary(factorDeps(), owner.userId)).recoveryCodesRemaining).toBe(10);
  });

  it("has exactly one winner when the same code is spent by many requests at once", async () => {
    const owner = await newUser();
    const { recoveryCodes } = await storeActiveTotp(owner);
    const code = recoveryCodes[5] ?? "";
    const outcomes = await Promise.all(Array.from({ length: 8 }, () => spendRecoveryCode(factorDeps(), owner, code, new Date())));
    expect(outcomes.filter(Boolean)).toHaveLength(1);
    expect((await secondFactorSummary(factorDeps(), owner.userId)).recoveryCodesRemaining).toBe(9);
  });
});

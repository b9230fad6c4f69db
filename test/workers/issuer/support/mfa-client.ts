/** Drives two-step sign-in the way a client does: TOTP enrolment, codes from the secret, `/api/auth/mfa/verify`. */
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { expect } from "vitest";
import type { MfaTicketGuard } from "../../../../shared/adapters/durable-objects/mfa-ticket-guard";
import { mfaTicketName } from "../../../../shared/adapters/durable-objects/mfa-ticket-client";
import { sha256Hex } from "../../../../shared/crypto/hashing";
import { decodeTotpSecret, totpCode, totpStep } from "../../../../shared/crypto/totp";
import type { StoredTicket } from "../../../../shared/domain/mfa-ticket";
import { freshIp, issuerFetch, jsonRequest, withBearer } from "./issuer-client";

export interface MfaRequiredBody {
  readonly mfa_required: true;
  readonly mfa_token: string;
  readonly methods: readonly string[];
  readonly expires_in: number;
  readonly enrollment_required?: true;
  readonly enroll?: readonly string[];
}

/** A user's TOTP secret (decoded) and the recovery codes its confirmation handed out. */
export interface EnrolledTotp {
  readonly secret: Uint8Array;
  readonly recoveryCodes: readonly string[];
}

export function mfaVerify(apiKey: string, body: Record<string, unknown>, ip = freshIp()): Promise<Response> {
  return issuerFetch("/api/auth/mfa/verify", jsonRequest("POST", body, { "x-api-key": apiKey, "CF-Connecting-IP": ip }));
}

/** The code the authenticator app shows `offsetSteps` steps from now (the issuer accepts one step either side). */
export function codeAt(secret: Uint8Array, offsetSteps = 0): Promise<string> {
  return totpCode(secret, totpStep(new Date()) + offsetSteps);
}

/** `POST /api/auth/mfa/totp` then `/confirm` with the current code, as `bearer` (an access token or an enrolment mfa_token). */
export async function enrolTotp(bearer: string): Promise<EnrolledTotp & { confirmed: Record<string, unknown> }> {
  const started = await issuerFetch("/api/auth/mfa/totp", withBearer(bearer, { method: "POST" }));
  expect(started.status, await started.clone().text()).toBe(200);
  const { secret } = await started.json<{ secret: string }>();
  const decoded = decodeTotpSecret(secret);
  if (decoded === null) throw new Error("the issuer handed out a secret that is not base32");
  const confirmed = await issuerFetch("/api/auth/mfa/totp/confirm", withBearer(bearer, jsonRequest("POST", { code: await codeAt(decoded) })));
  expect(confirmed.status, await confirmed.clone().text()).toBe(200);
  const body = await confirmed.json<Record<string, unknown> & { recovery_codes: string[] }>();
  return { secret: decoded, recoveryCodes: body.recovery_codes, confirmed: body };
}

/** Reads a first factor's answer, which must be the second step. */
export async function expectMfaRequired(response: Response): Promise<MfaRequiredBody> {
  const text = await response.text();
  expect(response.status, text).toBe(200);
  const body = JSON.parse(text) as MfaRequiredBody;
  expect(body).toMatchObject({ mfa_required: true, mfa_token: expect.stringMatching(/^mfa_[0-9a-hjkmnp-tv-z]{32}$/) });
  expect(body).not.toHaveProperty("token");
  expect(body).not.toHaveProperty("refresh_token");
  return body;
}

function ticketStub(tokenHash: string): DurableObjectStub<MfaTicketGuard> {
  return env.MFA_TICKETS.get(env.MFA_TICKETS.idFromName(mfaTicketName(tokenHash)));
}

/** What the token's object holds (undefined once spent, exhausted or expired). */
export async function storedTicket(mfaToken: string): Promise<StoredTicket | undefined> {
  return runInDurableObject(ticketStub(await sha256Hex(mfaToken)), (_guard: MfaTicketGuard, state) => state.storage.kv.get<StoredTicket>("ticket"));
}

/** Moves the ticket's expiry into the past: five minutes passing, without waiting for them. */
export async function expireTicket(mfaToken: string): Promise<void> {
  await runInDurableObject(ticketStub(await sha256Hex(mfaToken)), (_guard: MfaTicketGuard, state) => {
    const current = state.storage.kv.get<StoredTicket>("ticket");
    if (!current) throw new Error("no ticket stored for this token");
    state.storage.kv.put("ticket", { ...current, expiresAt: Date.now() - 1 });
  });
}

import { DurableObject } from "cloudflare:workers";
import { z } from "zod";
import { bytesEqual } from "../../crypto/constant-time";
import {
  cancelSend,
  EMPTY_PHONE_STATE,
  LOCKOUT_WINDOW_MS,
  reserveSend,
  SEND_WINDOW_MS,
  verifyCode,
  type PhoneCodeState,
  type SendOutcome,
  type VerifyOutcome,
} from "../../domain/otp-policy";

const STATE_KEY = "state";
const hexHash = z.string().regex(/^[0-9a-f]{64}$/);
const reservationSchema = z.strictObject({
  codeHash: hexHash,
  requestId: z.string().min(1).max(64),
  ttlSeconds: z.number().int().min(60).max(3600),
  maxAttempts: z.number().int().min(1).max(10),
  maxSendsPerHour: z.number().int().min(1).max(100),
});

/**
 * One object per (tenant, phone): the live code (as a keyed hash), its
 * attempts, the sends of the last hour and the failure lock. Each RPC reads,
 * decides and writes with synchronous storage calls, so racing requests for
 * one phone are serialised and exactly one verify can win a code.
 */
export class PhoneCodeGuard extends DurableObject {
  reserve(input: unknown): SendOutcome {
    const request = reservationSchema.parse(input);
    const { state, outcome } = reserveSend(this.#load(), { ...request, ttlMs: request.ttlSeconds * 1000, now: Date.now() });
    this.#save(state);
    return outcome;
  }

  cancel(requestId: unknown): void {
    this.#save(cancelSend(this.#load(), z.string().min(1).max(64).parse(requestId)));
  }

  verify(codeHash: unknown): VerifyOutcome {
    const presented = hexHash.parse(codeHash);
    const { state, outcome } = verifyCode(this.#load(), presented, Date.now(), hashesEqual);
    this.#save(state);
    return outcome;
  }

  /** Nothing here outlives the longest window; an idle object deletes itself. */
  override alarm(): void {
    const state = this.#load();
    const now = Date.now();
    const busy = (state.code !== null && state.code.expiresAt > now) || state.sends.some((send) => send.at > now - SEND_WINDOW_MS) || (state.lockedUntil ?? 0) > now;
    if (busy) this.#scheduleCleanup();
    else this.ctx.storage.kv.delete(STATE_KEY);
  }

  #load(): PhoneCodeState {
    return this.ctx.storage.kv.get<PhoneCodeState>(STATE_KEY) ?? EMPTY_PHONE_STATE;
  }

  #save(state: PhoneCodeState): void {
    this.ctx.storage.kv.put(STATE_KEY, state);
    this.#scheduleCleanup();
  }

  #scheduleCleanup(): void {
    void this.ctx.storage.setAlarm(Date.now() + Math.max(SEND_WINDOW_MS, LOCKOUT_WINDOW_MS));
  }
}

function hashesEqual(stored: string, presented: string): boolean {
  const encoder = new TextEncoder();
  return bytesEqual(encoder.encode(stored), encoder.encode(presented));
}

import { DurableObject } from "cloudflare:workers";
import { z } from "zod";
import { bytesEqual } from "../../crypto/constant-time";
import { cancelSend, isIdle, pruneState, reserveSend, storedPhoneState, verifyCode, type PhoneCodeState, type SendOutcome, type VerifyOutcome } from "../../domain/otp-policy";

const STATE_KEY = "state";
/** How often an object with live state looks again whether it can delete itself. */
const CLEANUP_INTERVAL_MS = 60 * 60 * 1000;
const hexHash = z.string().regex(/^[0-9a-f]{64}$/);
const reservationSchema = z.strictObject({
  codeHash: hexHash,
  network: hexHash,
  requestId: z.string().min(1).max(64),
  ttlSeconds: z.number().int().min(60).max(3600),
  maxAttempts: z.number().int().min(1).max(10),
  maxSendsPerHour: z.number().int().min(1).max(100),
});

const verificationSchema = z.strictObject({ codeHash: hexHash, network: hexHash });

/**
 * One object per (tenant, phone): the live code (as a keyed hash), its
 * attempts, the sends of the last hour, and the runs of wrong codes with their
 * locks, per client network and for the phone as a whole. Each RPC reads,
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

  verify(input: unknown): VerifyOutcome {
    const { codeHash, network } = verificationSchema.parse(input);
    const { state, outcome } = verifyCode(this.#load(), codeHash, network, Date.now(), hashesEqual);
    this.#save(state);
    return outcome;
  }

  /** An idle object deletes itself; a busy one drops what has lapsed and looks again later. */
  override alarm(): void {
    const now = Date.now();
    const state = this.#load();
    if (isIdle(state, now)) this.ctx.storage.kv.delete(STATE_KEY);
    else this.#save(pruneState(state, now));
  }

  #load(): PhoneCodeState {
    return storedPhoneState(this.ctx.storage.kv.get<Parameters<typeof storedPhoneState>[0]>(STATE_KEY));
  }

  #save(state: PhoneCodeState): void {
    this.ctx.storage.kv.put(STATE_KEY, state);
    this.#scheduleCleanup();
  }

  #scheduleCleanup(): void {
    void this.ctx.storage.setAlarm(Date.now() + CLEANUP_INTERVAL_MS);
  }
}

function hashesEqual(stored: string, presented: string): boolean {
  const encoder = new TextEncoder();
  return bytesEqual(encoder.encode(stored), encoder.encode(presented));
}

import { DurableObject } from "cloudflare:workers";
import { z } from "zod";
import { hitWindow, releaseHit, windowCount, type WindowDecision, type WindowState } from "../../domain/fixed-window";

const STATE_KEY = "window";
const hitSchema = z.strictObject({
  limit: z.number().int().min(1).max(10_000_000),
  windowMs: z.number().int().min(1_000).max(7 * 24 * 60 * 60 * 1000),
});

/** One counter per key (a client IP, a tenant's country prefix, …); deletes itself when its window has passed. */
export class RateLimiter extends DurableObject {
  hit(input: unknown): WindowDecision {
    const { limit, windowMs } = hitSchema.parse(input);
    const now = Date.now();
    const { state, decision } = hitWindow(this.ctx.storage.kv.get<WindowState>(STATE_KEY) ?? null, now, limit, windowMs);
    this.ctx.storage.kv.put(STATE_KEY, state);
    void this.ctx.storage.setAlarm(state.windowStart + windowMs);
    return decision;
  }

  /** Takes back a hit whose action did not happen (an SMS no provider sent). */
  release(input: unknown): void {
    const { windowStart } = z.strictObject({ windowStart: z.number().int().nonnegative() }).parse(input);
    const state = releaseHit(this.ctx.storage.kv.get<WindowState>(STATE_KEY) ?? null, windowStart);
    if (state) this.ctx.storage.kv.put(STATE_KEY, state);
  }

  /** The current count, for risk signals that read a counter without adding to it. */
  peek(input: unknown): number {
    const { windowMs } = hitSchema.pick({ windowMs: true }).parse(input);
    return windowCount(this.ctx.storage.kv.get<WindowState>(STATE_KEY) ?? null, Date.now(), windowMs);
  }

  override alarm(): void {
    this.ctx.storage.kv.delete(STATE_KEY);
  }
}

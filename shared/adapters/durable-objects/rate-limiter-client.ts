import type { WindowDecision } from "../../domain/fixed-window";
import type { RateLimiter } from "../../ports/rate-limiter";
import type { RateLimiter as RateLimiterObject } from "./rate-limiter";

export class RateLimiterClient implements RateLimiter {
  readonly #namespace: DurableObjectNamespace<RateLimiterObject>;

  constructor(namespace: DurableObjectNamespace<RateLimiterObject>) {
    this.#namespace = namespace;
  }

  async hit(key: string, limit: number, windowMs: number): Promise<WindowDecision> {
    const stub = this.#namespace.get(this.#namespace.idFromName(key));
    return await stub.hit({ limit, windowMs });
  }

  async release(key: string, windowStart: number): Promise<void> {
    const stub = this.#namespace.get(this.#namespace.idFromName(key));
    await stub.release({ windowStart });
  }

  async count(key: string, windowMs: number): Promise<number> {
    const stub = this.#namespace.get(this.#namespace.idFromName(key));
    return await stub.peek({ windowMs });
  }
}

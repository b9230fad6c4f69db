import type { Redis } from "@upstash/redis/cloudflare";
import type { DependencyProbe } from "../../ports/dependency-probe";
import { timedProbe } from "../timed-probe";

export function redisProbe(redis: Redis): DependencyProbe {
  return timedProbe(async () => (await redis.ping()) === "PONG");
}

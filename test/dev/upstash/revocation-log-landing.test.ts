/**
 * The issuer's revocation-list writer against the Upstash stand-in, with a store
 * that holds transactions back: a write that lands late, as after a stalled
 * request, must still be read by gates that synced while it was in flight.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createRedisStore } from "../../../dev/upstash/redis-store-factory";
import type { RedisStore } from "../../../dev/upstash/redis-store";
import { createRedis } from "../../../shared/adapters/upstash/redis-client";
import { LateRevocationWriteError, upstashRevocationList } from "../../../shared/adapters/upstash/revocation-list";
import { upstashRevocationReader } from "../../../shared/adapters/upstash/revocation-reader";
import { encodeLogMember, REVOCATION_LOG_KEY } from "../../../shared/domain/revocation-entries";
import { startStandIn, TOKEN, type StandIn } from "./stand-in-fixture";

// Far apart, so a busy machine's own delays (well under a second) never look like a late landing.
const LANDING_MS = 1_000;
const DELAY_MS = 2_500;

/** Holds the next `count` transactions back by DELAY_MS, and notes when each one ran. */
function delayingStore(inner: RedisStore) {
  const state = { delays: 0, landedAt: [] as number[] };
  const store: RedisStore = {
    execute: (command) => inner.execute(command),
    multi: async (commands) => {
      if (state.delays > 0) {
        state.delays -= 1;
        await new Promise((resolve) => setTimeout(resolve, DELAY_MS));
      }
      state.landedAt.push(Date.now());
      return inner.multi(commands);
    },
    close: () => inner.close(),
  };
  return { store, state };
}

let standIn: StandIn | null = null;
afterEach(async () => {
  await standIn?.close();
  standIn = null;
});

async function start() {
  const delaying = delayingStore(await createRedisStore({ redisUrl: undefined, file: undefined }));
  standIn = await startStandIn(delaying.store);
  const redis = createRedis({ url: standIn.server.url, token: TOKEN });
  return { state: delaying.state, redis, list: upstashRevocationList(redis, LANDING_MS), reader: upstashRevocationReader({ url: standIn.server.url, token: TOKEN }) };
}

const entry = (id: string) => ({ id, kind: "session" as const, subjectId: `ses_${id}`, at: new Date(), expiresAt: new Date(Date.now() + 3_600_000) });

describe("the revocation log's scores", () => {
  it("score a write that lands late no earlier than its landing, so a gate that synced while it was in flight still reads it", async () => {
    const { state, redis, list, reader } = await start();
    state.delays = 1;
    const late = entry("late");
    const sent = Date.now();
    await list.publish([late]);
    const member = encodeLogMember({ kind: "session", sessionId: late.subjectId, expiresAtSeconds: Math.ceil(late.expiresAt.getTime() / 1000) });

    const landedAt = state.landedAt[0] ?? Number.NaN;
    expect(landedAt - sent).toBeGreaterThanOrEqual(DELAY_MS);
    const score = Number(await redis.zscore(REVOCATION_LOG_KEY, member));
    expect(score).toBeGreaterThanOrEqual(landedAt - LANDING_MS);
    // A gate whose last read started just before the late write landed reads from there on.
    expect((await reader.logSince(landedAt - LANDING_MS)).filter((read) => read.startsWith("s|ses_late|"))).toHaveLength(1);
  });

  it("leave a write that keeps landing late to the outbox, which retries it with a fresh score", async () => {
    const { state, list } = await start();
    state.delays = 10;
    await expect(list.publish([entry("stalled")])).rejects.toBeInstanceOf(LateRevocationWriteError);
  });
});

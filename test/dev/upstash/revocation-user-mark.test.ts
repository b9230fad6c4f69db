/**
 * The user-wide revocation mark against the Upstash stand-in: publishes can land
 * in any order (a backlog drained after a newer revocation), and the mark a strict
 * gate reads must never go down.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createRedisStore } from "../../../dev/upstash/redis-store-factory";
import { createRedis } from "../../../shared/adapters/upstash/redis-client";
import { upstashRevocationList } from "../../../shared/adapters/upstash/revocation-list";
import { upstashRevocationReader } from "../../../shared/adapters/upstash/revocation-reader";
import { legacyUserKey, revokedBeforeSeconds, userKey } from "../../../shared/domain/revocation-entries";
import { startStandIn, TOKEN, type StandIn } from "./stand-in-fixture";

let standIn: StandIn | null = null;
afterEach(async () => {
  await standIn?.close();
  standIn = null;
});

async function start() {
  standIn = await startStandIn(await createRedisStore({ redisUrl: undefined, file: undefined }));
  const redis = createRedis({ url: standIn.server.url, token: TOKEN });
  return { redis, list: upstashRevocationList(redis), reader: upstashRevocationReader({ url: standIn.server.url, token: TOKEN }) };
}

const HOUR_MS = 3_600_000;
const userMark = (id: string, at: Date, expiresAt: Date) => ({ id, kind: "user" as const, subjectId: "usr_marked", at, expiresAt });

describe("a user's revocation mark", () => {
  it("is not lowered when an older revocation is published after a newer one (a backlog drained late)", async () => {
    const { redis, list, reader } = await start();
    const older = new Date(Date.now() - 60_000);
    const newer = new Date();
    await list.publish([userMark("newer", newer, new Date(newer.getTime() + HOUR_MS))]);
    await list.publish([userMark("older", older, new Date(older.getTime() + HOUR_MS))]);

    const { userRevokedBefore } = await reader.lookup("ses_unrelated", "usr_marked");
    expect(userRevokedBefore).toBe(revokedBeforeSeconds(newer));
    // The later expiry of the two is kept, so the newer mark outlives every token it covers.
    const ttl = await redis.pttl(userKey("usr_marked"));
    expect(Date.now() + ttl).toBeGreaterThan(older.getTime() + HOUR_MS);
  });

  it("expires: a fresh mark gets the entry's expiry, not none", async () => {
    const { redis, list } = await start();
    const at = new Date();
    await list.publish([userMark("only", at, new Date(at.getTime() + HOUR_MS))]);
    const ttl = await redis.pttl(userKey("usr_marked"));
    expect(ttl).toBeGreaterThan(0);
    // Entries expire on whole seconds, rounded up.
    expect(ttl).toBeLessThanOrEqual(HOUR_MS + 1_000);
  });

  it("is read as the higher of the mark and one written by an earlier version under the old key", async () => {
    const { redis, list, reader } = await start();
    const at = new Date(Date.now() - 120_000);
    await list.publish([userMark("new-format", at, new Date(at.getTime() + HOUR_MS))]);
    const legacy = revokedBeforeSeconds(new Date());
    await redis.set(legacyUserKey("usr_marked"), String(legacy), { px: HOUR_MS });
    expect((await reader.lookup("ses_unrelated", "usr_marked")).userRevokedBefore).toBe(legacy);
    await redis.del(legacyUserKey("usr_marked"));
    expect((await reader.lookup("ses_unrelated", "usr_marked")).userRevokedBefore).toBe(revokedBeforeSeconds(at));
  });
});

/**
 * The gate's revocation reader speaks Upstash's REST pipeline itself, with fetch. Against the
 * stand-in (itself checked against the official client): it reads what the issuer's writer
 * wrote through the official client, and it never reads a failure as "not revoked".
 */
import { afterEach, describe, expect, it } from "vitest";
import { createRedisStore } from "../../../dev/upstash/redis-store-factory";
import { createRedis } from "../../../shared/adapters/upstash/redis-client";
import { upstashRevocationList } from "../../../shared/adapters/upstash/revocation-list";
import { upstashRevocationReader } from "../../../shared/adapters/upstash/revocation-reader";
import { UpstashRestError } from "../../../shared/adapters/upstash/rest-pipeline";
import { legacyUserKey, revokedBeforeSeconds, userKey } from "../../../shared/domain/revocation-entries";
import { freePort } from "../../../dev/support/free-port";
import { startStandIn, TOKEN, type StandIn } from "./stand-in-fixture";

let standIn: StandIn | null = null;
afterEach(async () => {
  await standIn?.close();
  standIn = null;
});

async function start(): Promise<StandIn> {
  standIn = await startStandIn(await createRedisStore({ redisUrl: undefined, file: undefined }));
  return standIn;
}

const HOUR_MS = 3_600_000;

describe("the revocation reader over Upstash's REST pipeline", () => {
  it("reads the sessions, user marks and log entries the issuer's writer published through the official client", async () => {
    const { server } = await start();
    const list = upstashRevocationList(createRedis({ url: server.url, token: TOKEN }, { retries: 0 }));
    const reader = upstashRevocationReader({ url: server.url, token: TOKEN });
    const at = new Date();
    const expiresAt = new Date(at.getTime() + HOUR_MS);
    const before = Date.now() - 1_000;
    await list.publish([
      { id: "a", kind: "session", subjectId: "ses_revoked", at, expiresAt },
      { id: "b", kind: "user", subjectId: "usr_marked", at, expiresAt },
    ]);

    expect(await reader.lookup("ses_revoked", "usr_other")).toEqual({ sessionRevoked: true, userRevokedBefore: null });
    expect(await reader.lookup("ses_live", "usr_marked")).toEqual({ sessionRevoked: false, userRevokedBefore: revokedBeforeSeconds(at) });
    expect(await reader.lookup(null, "usr_marked")).toEqual({ sessionRevoked: false, userRevokedBefore: revokedBeforeSeconds(at) });
    const log = await reader.logSince(before);
    expect(log).toHaveLength(2);
    expect(log.some((member) => member.includes("ses_revoked"))).toBe(true);
    expect(log.some((member) => member.includes("usr_marked"))).toBe(true);
    expect(await reader.logSince(Date.now() + 60_000)).toEqual([]);
  });

  it("takes the higher of the two forms of a user's mark (the legacy string and the sorted set)", async () => {
    const { redis, server } = await start();
    await redis.set(legacyUserKey("usr_both"), "2000000000");
    await redis.zadd(userKey("usr_both"), { score: 1_900_000_000, member: "before" });
    const reader = upstashRevocationReader({ url: server.url, token: TOKEN });
    expect((await reader.lookup("ses_x", "usr_both")).userRevokedBefore).toBe(2_000_000_000);
  });

  it("refuses to answer with a wrong token (a misconfigured gate must not read as 'nothing revoked')", async () => {
    const { server } = await start();
    const reader = upstashRevocationReader({ url: server.url, token: "not-the-token" });
    await expect(reader.lookup("ses_x", "usr_x")).rejects.toThrow(UpstashRestError);
    await expect(reader.logSince(0)).rejects.toThrow(/WRONGPASS/);
  });

  it("fails a lookup whose command failed, instead of reading the error as no mark (a key of the wrong type)", async () => {
    const { redis, server } = await start();
    await redis.set(userKey("usr_broken"), "not a sorted set");
    const reader = upstashRevocationReader({ url: server.url, token: TOKEN });
    await expect(reader.lookup("ses_x", "usr_broken")).rejects.toThrow(/ZSCORE failed: WRONGTYPE/);
  });

  it("fails when Upstash cannot be reached, after one quick retry", async () => {
    const reader = upstashRevocationReader({ url: `http://127.0.0.1:${await freePort()}`, token: TOKEN });
    await expect(reader.lookup("ses_x", "usr_x")).rejects.toThrow();
  });
});

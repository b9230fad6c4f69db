import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { createRedisStore } from "../../../dev/upstash/redis-store-factory";
import { realBackendTitle, redisUrl } from "../../support/backends";
import { redisDatabaseUrl } from "./stand-in-fixture";
import { upstashConformance } from "./upstash-conformance";

/** Database 13 is this suite's alone; the suite empties it first. */
const DATABASE = 13;

describe.skipIf(!redisUrl)(realBackendTitle("Upstash stand-in over a real Redis", "REDIS_URL", redisUrl), () => {
  upstashConformance(() => createRedisStore({ redisUrl: redisDatabaseUrl(redisUrl ?? "", DATABASE), file: undefined }));
});

describe("Upstash stand-in's real-Redis backend", () => {
  it("refuses to start when Redis cannot be reached, naming it without the password", async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, "127.0.0.1", () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const opening = createRedisStore({ redisUrl: `redis://:hunter2@127.0.0.1:${closedPort}/3`, file: undefined });
    await expect(opening).rejects.toThrow(`cannot reach Redis at redis://127.0.0.1:${closedPort}/3`);
    await expect(opening).rejects.not.toThrow("hunter2");
  });
});

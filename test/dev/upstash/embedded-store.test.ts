import { describe } from "vitest";
import { createRedisStore } from "../../../dev/upstash/redis-store-factory";
import { upstashConformance } from "./upstash-conformance";

describe("Upstash stand-in over the embedded store", () => {
  upstashConformance(() => createRedisStore({ redisUrl: undefined, file: undefined }));
});

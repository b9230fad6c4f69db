import { describe, expect, it } from "vitest";
import { healthHttpStatus, overallStatus } from "../../../shared/domain/health";

describe("overallStatus", () => {
  const critical: ("database" | "keys" | "redis")[] = ["database", "keys"];

  it("is healthy when every check is up", () => {
    expect(overallStatus({ database: "up", keys: "up", redis: "up" }, critical)).toBe("healthy");
  });

  it("is degraded when only a non-critical check is down", () => {
    expect(overallStatus({ database: "up", keys: "up", redis: "down" }, critical)).toBe("degraded");
  });

  it("is unhealthy when a critical check is down, whatever else is", () => {
    expect(overallStatus({ database: "down", keys: "up", redis: "up" }, critical)).toBe("unhealthy");
    expect(overallStatus({ database: "up", keys: "down", redis: "down" }, critical)).toBe("unhealthy");
  });

  it("maps to 200, 207 and 503", () => {
    expect([healthHttpStatus("healthy"), healthHttpStatus("degraded"), healthHttpStatus("unhealthy")]).toEqual([200, 207, 503]);
  });
});

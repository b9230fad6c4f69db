import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

describe("GET /health", () => {
  it("reports every check up against the local stack", async () => {
    const response = await exports.default.fetch("http://issuer.test/health");
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({ status: "healthy", checks: { database: "up", redis: "up", keys: "up", sms: "up" } });
  });
});

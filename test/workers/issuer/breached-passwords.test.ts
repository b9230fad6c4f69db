/**
 * The range API adapter inside workerd (SHA-1 through Web Crypto, fetch with a
 * timeout, the capped body read), against the stack's canary server, which
 * answers every path with a JSON document: not the range API's shape. The
 * adapter's answers for a real range API are tested in Node against one
 * (test/unit/adapters/breached-passwords/range-api.test.ts).
 */
import { describe, expect, inject, it } from "vitest";
import { BREACHED_PASSWORDS_TIMEOUT_MS, rangeApiBreachCheck } from "../../../shared/adapters/breached-passwords/range-api";
import type { Logger } from "../../../shared/logging/logger";

async function canaryCount(canary: string): Promise<number> {
  return (await (await fetch(`${canary}/__count`)).json<{ count: number }>()).count;
}

describe("the range API breach check in workerd", () => {
  it("asks the configured address once and answers unavailable, logging no secret, when the reply is not SUFFIX:COUNT lines", async () => {
    const canary = inject("canaryUrl");
    const warnings: Record<string, unknown>[] = [];
    const logger: Logger = { debug: () => undefined, info: () => undefined, warn: (_event, fields = {}) => warnings.push(fields), error: () => undefined };
    const before = await canaryCount(canary);
    const check = rangeApiBreachCheck({ baseUrl: canary, timeoutMs: BREACHED_PASSWORDS_TIMEOUT_MS, logger });
    expect(await check.isBreached("correct horse battery staple")).toBe("unavailable");
    expect(await canaryCount(canary)).toBe(before + 1);
    expect(warnings).toEqual([{ reason: "malformed_reply" }]);
  });
});

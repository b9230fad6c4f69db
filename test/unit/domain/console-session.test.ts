import { describe, expect, it } from "vitest";
import { CONSOLE_SESSION_ABSOLUTE_MS, CONSOLE_SESSION_IDLE_MS, CONSOLE_SESSION_TOUCH_MS, consoleSessionVerdict, needsTouch } from "../../../shared/domain/console-session";

const opened = new Date("2026-11-20T09:00:00Z");
const session = { lastSeenAt: opened, expiresAt: new Date(opened.getTime() + CONSOLE_SESSION_ABSOLUTE_MS), endedAt: null };
const at = (ms: number) => new Date(opened.getTime() + ms);

describe("console session rules", () => {
  it("keeps operators' sessions short: 30 minutes idle, 8 hours at most", () => {
    expect(CONSOLE_SESSION_IDLE_MS).toBe(30 * 60 * 1000);
    expect(CONSOLE_SESSION_ABSOLUTE_MS).toBe(8 * 60 * 60 * 1000);
  });

  it("admits a session used within the idle limit and before its absolute end", () => {
    expect(consoleSessionVerdict(session, at(CONSOLE_SESSION_IDLE_MS - 1), true)).toBe("live");
  });

  it("ends a session left idle for the limit", () => {
    expect(consoleSessionVerdict(session, at(CONSOLE_SESSION_IDLE_MS), true)).toBe("idle");
  });

  it("ends a busy session at its absolute end, however recently used", () => {
    const busy = { ...session, lastSeenAt: at(CONSOLE_SESSION_ABSOLUTE_MS - 1000) };
    expect(consoleSessionVerdict(busy, at(CONSOLE_SESSION_ABSOLUTE_MS), true)).toBe("expired");
  });

  it("refuses a session opened with an ADMIN_TOKEN that has since been rotated, even a fresh one", () => {
    expect(consoleSessionVerdict(session, opened, false)).toBe("admin_token_rotated");
  });

  it("refuses a signed-out session before anything else", () => {
    expect(consoleSessionVerdict({ ...session, endedAt: opened }, opened, false)).toBe("ended");
  });

  it("writes last use at most once a minute", () => {
    expect(needsTouch(session, at(CONSOLE_SESSION_TOUCH_MS - 1))).toBe(false);
    expect(needsTouch(session, at(CONSOLE_SESSION_TOUCH_MS))).toBe(true);
  });
});

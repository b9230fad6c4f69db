import { describe, expect, it } from "vitest";
import { contrastRatio, MIN_TEXT_CONTRAST } from "../../../workers/issuer/pages/contrast";
import { consoleCookie } from "../../../workers/issuer/pages/console/console-cookie";
import { CONSOLE_COLOR_PAIRS, CONSOLE_STYLESHEET } from "../../../workers/issuer/pages/console/console-style";
import { utcMinute } from "../../../workers/issuer/pages/console/console-time";

describe("the console's cookie", () => {
  it("uses the __Host- prefix and Secure when the issuer is https, so no sibling host can set or read it", () => {
    expect(consoleCookie("https://auth.example.com")).toEqual({ name: "__Host-portcullis_console", secure: true });
  });

  it("drops both only on a plain-http issuer (the local stack), where browsers would refuse them", () => {
    expect(consoleCookie("http://127.0.0.1:8787")).toEqual({ name: "portcullis_console", secure: false });
  });
});

describe("the console's look", () => {
  it("puts only text that passes WCAG AA contrast on each of its backgrounds", () => {
    for (const [text, background] of CONSOLE_COLOR_PAIRS) expect(contrastRatio(text, background), `${text} on ${background}`).toBeGreaterThanOrEqual(MIN_TEXT_CONTRAST);
  });

  it("shows where the keyboard is on every focusable thing", () => {
    expect(CONSOLE_STYLESHEET).toContain(":focus-visible{outline:3px solid");
  });

  it("writes times in UTC to the minute, as logs do", () => {
    expect(utcMinute("2026-11-20T14:03:59.123Z")).toBe("2026-11-20 14:03 UTC");
  });
});

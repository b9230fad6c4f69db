import { createHash } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { KNOWN_BREACHED_PASSWORDS, PADDED_LINES } from "../../../dev/sms/breached-range";
import { startSmsSandbox, type SmsSandbox } from "../../../dev/sms/server";
import { sandboxOptions } from "./sandbox-fixture";

let sandbox: SmsSandbox;

beforeAll(async () => {
  sandbox = await startSmsSandbox(sandboxOptions());
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.resetFaults());

function sha1(password: string): string {
  return createHash("sha1").update(password, "utf8").digest("hex").toUpperCase();
}

async function range(prefix: string, headers: Record<string, string> = {}): Promise<{ status: number; lines: string[] }> {
  const response = await fetch(`${sandbox.url}/range/${prefix}`, { headers });
  const text = await response.text();
  return { status: response.status, lines: text === "" ? [] : text.split("\r\n") };
}

describe("the breached-password range API", () => {
  it.each(["password123", "correcthorsebatterystaple"])("lists %s's SHA-1 suffix with its count under its 5-digit prefix", async (password) => {
    const hash = sha1(password);
    const { status, lines } = await range(hash.slice(0, 5));
    expect(status).toBe(200);
    expect(lines).toContain(`${hash.slice(5)}:${KNOWN_BREACHED_PASSWORDS.get(password)}`);
  });

  it("accepts a lower-case prefix", async () => {
    const hash = sha1("password123");
    expect((await range(hash.slice(0, 5).toLowerCase())).lines).toContain(`${hash.slice(5)}:${KNOWN_BREACHED_PASSWORDS.get("password123")}`);
  });

  it("answers no lines for a prefix no known password has, without padding", async () => {
    const hash = sha1("a passphrase nobody has used 4f9c");
    expect(await range(hash.slice(0, 5))).toEqual({ status: 200, lines: [] });
  });

  it("pads with count-0 suffixes when asked, so the answer's size does not tell whether a password is known", async () => {
    const known = sha1("password123");
    const withKnown = await range(known.slice(0, 5), { "Add-Padding": "true" });
    const without = await range(sha1("a passphrase nobody has used 4f9c").slice(0, 5), { "Add-Padding": "true" });
    expect(withKnown.lines).toHaveLength(PADDED_LINES);
    expect(without.lines).toHaveLength(PADDED_LINES);
    expect(without.lines.every((line) => /^[0-9A-F]{35}:0$/.test(line))).toBe(true);
    expect(withKnown.lines.filter((line) => !line.endsWith(":0"))).toEqual([`${known.slice(5)}:${KNOWN_BREACHED_PASSWORDS.get("password123")}`]);
  });

  it.each(["ABCD", "ABCDEF", "GHIJK", "%41BCDE"])("refuses the prefix %s (400)", async (prefix) => {
    expect((await range(prefix)).status).toBe(400);
  });

  it("answers 503 under the error_5xx fault, for every prefix", async () => {
    sandbox.setEmailFault("range", { mode: "error_5xx" });
    expect((await range("00000")).status).toBe(503);
  });

  it("never answers under the timeout fault", async () => {
    sandbox.setEmailFault("range", { mode: "timeout" });
    const outcome = await fetch(`${sandbox.url}/range/00000`, { signal: AbortSignal.timeout(300) }).then(
      (response) => `answered ${response.status}`,
      (error: unknown) => (error instanceof Error ? error.name : "error"),
    );
    expect(outcome).toBe("TimeoutError");
  });
});

import { createHash, randomBytes } from "node:crypto";
import type { ServerResponse } from "node:http";
import type { EmailFaultBoard } from "./email-faults";
import type { RouteHandler } from "./route-handler";

export const RANGE_PATH = /^\/range\/([^/]*)$/;

/**
 * Passwords the sandbox reports as breached, with made-up counts. Real services' lists are far
 * longer; these are enough to see a refusal locally and in tests.
 */
export const KNOWN_BREACHED_PASSWORDS: ReadonlyMap<string, number> = new Map([
  ["password", 52_256_179],
  ["123456", 42_435_412],
  ["password123", 2_486_543],
  ["qwerty123", 1_021_442],
  ["iloveyou", 1_645_337],
  ["letmein", 1_024_587],
  ["welcome1", 402_174],
  ["correcthorsebatterystaple", 412],
  ["Tr0ub4dor&3", 129],
]);

/** With `Add-Padding: true`, every answer holds this many lines, as the real API pads to hide how many suffixes are real. */
export const PADDED_LINES = 800;

/**
 * The k-anonymity range API in Have I Been Pwned's shape: `GET /range/{first 5 hex of the SHA-1}`
 * answers `SUFFIX:COUNT` lines (the other 35 hex, upper case) for every known password under that
 * prefix; with `Add-Padding: true`, random suffixes with count 0 fill it to PADDED_LINES.
 */
export function breachedRangeHandler(faults: EmailFaultBoard): RouteHandler {
  const byPrefix = new Map<string, Array<readonly [string, number]>>();
  for (const [password, count] of KNOWN_BREACHED_PASSWORDS) {
    const hash = createHash("sha1").update(password, "utf8").digest("hex").toUpperCase();
    const entries = byPrefix.get(hash.slice(0, 5)) ?? [];
    entries.push([hash.slice(5), count]);
    byPrefix.set(hash.slice(0, 5), entries);
  }

  return (request, response, target) => {
    if (request.method !== "GET") return Promise.resolve(plain(response, 405, "Method not allowed", { allow: "GET" }));
    const prefix = RANGE_PATH.exec(target.path)?.[1] ?? "";
    if (!/^[0-9A-Fa-f]{5}$/.test(prefix)) return Promise.resolve(plain(response, 400, "The hash prefix was not in a valid format"));
    switch (faults.modeFor("range", [])) {
      case "none":
      case "reject_address":
        break;
      case "error_5xx":
        return Promise.resolve(plain(response, 503, "Service unavailable"));
      case "timeout":
        return Promise.resolve(); // Never answered: the client's own timeout has to fire.
    }
    const lines = (byPrefix.get(prefix.toUpperCase()) ?? []).map(([suffix, count]) => `${suffix}:${count}`);
    if (request.headers["add-padding"] === "true") {
      const real = new Set(lines.map((line) => line.slice(0, 35)));
      while (lines.length < PADDED_LINES) {
        const suffix = randomBytes(18).toString("hex").slice(0, 35).toUpperCase();
        if (!real.has(suffix)) lines.push(`${suffix}:0`);
      }
      lines.sort();
    }
    return Promise.resolve(plain(response, 200, lines.join("\r\n")));
  };
}

function plain(response: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, { "content-type": "text/plain", "content-length": Buffer.byteLength(text).toString(), ...headers });
  response.end(text);
}

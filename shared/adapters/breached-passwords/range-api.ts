import type { Logger } from "../../logging/logger";
import type { BreachedPasswordCheck } from "../../ports/breached-passwords";

/** A sign-up waits for this at most; the real API answers from a CDN in tens of milliseconds. */
export const BREACHED_PASSWORDS_TIMEOUT_MS = 1_500;

/** About 800 to 1,000 padded lines of 40 bytes each; anything far larger is not this API. */
const MAX_REPLY_BYTES = 1024 * 1024;
const LINE = /^([0-9A-F]{35}):(\d{1,12})$/i;

const encoder = new TextEncoder();

/**
 * The k-anonymity range API in the shape of Have I Been Pwned's Pwned
 * Passwords: only the first five hex digits of the password's SHA-1 leave the
 * worker; the API answers every suffix under that prefix with its count, and
 * the match is made here. `Add-Padding: true` makes every answer a similar
 * size (the padding lines have a count of 0), so the reply's length does not
 * hint at the prefix. Every failure is `unavailable`, logged without the
 * password, its hash or its prefix.
 */
export function rangeApiBreachCheck(options: { baseUrl: string; timeoutMs: number; logger?: Logger }): BreachedPasswordCheck {
  const base = options.baseUrl.replace(/\/+$/, "");
  const unavailable = (reason: string) => {
    options.logger?.warn("breached_passwords_unavailable", { reason });
    return "unavailable" as const;
  };
  return {
    async isBreached(password) {
      const digest = await sha1Hex(password);
      const prefix = digest.slice(0, 5);
      const suffix = digest.slice(5);
      let response: Response;
      try {
        response = await fetch(`${base}/range/${prefix}`, {
          headers: { "Add-Padding": "true", Accept: "text/plain" },
          signal: AbortSignal.timeout(options.timeoutMs),
        });
      } catch (error) {
        return unavailable(describeError(error));
      }
      if (response.status !== 200) {
        await response.body?.cancel().catch(() => undefined);
        return unavailable(`http_${response.status}`);
      }
      let body: string | null;
      try {
        body = await readCapped(response, MAX_REPLY_BYTES);
      } catch (error) {
        return unavailable(describeError(error));
      }
      if (body === null) return unavailable("reply_too_large");
      let breached = false;
      let entries = 0;
      for (const raw of body.split("\n")) {
        const line = raw.trim();
        if (line === "") continue;
        const match = LINE.exec(line);
        if (!match) return unavailable("malformed_reply");
        entries++;
        if (match[1]?.toUpperCase() === suffix && Number(match[2]) > 0) breached = true;
      }
      // Every prefix has hundreds of suffixes in the real corpus: an empty answer is a broken API, not a clean password.
      if (entries === 0) return unavailable("empty_reply");
      return breached ? "breached" : "not_found";
    },
  };
}

async function sha1Hex(password: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-1", encoder.encode(password)));
  let hex = "";
  for (const byte of digest) hex += byte.toString(16).padStart(2, "0");
  return hex.toUpperCase();
}

/** The body as text, or null once it passes `limit` bytes (read no further). */
async function readCapped(response: Response, limit: number): Promise<string | null> {
  if (!response.body) return "";
  // Workers' types give the body chunks as `any`; fetch always streams bytes.
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = "";
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    if (received > limit) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    text += decoder.decode(value, { stream: true });
  }
  return text + decoder.decode();
}

function describeError(error: unknown): string {
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) return "timeout";
  return "network_error";
}

import type { RedisConfig } from "./redis-client";

export type RestCommand = readonly string[];

export class UpstashRestError extends Error {
  override readonly name = "UpstashRestError";
}

/** Pauses before the one retry of a request that never reached Upstash. */
const RETRY_AFTER_MS = 50;

/**
 * Upstash's REST pipeline (`POST /pipeline`, one JSON array of commands, one
 * reply per command), spoken with `fetch` alone. For the gate's revocation
 * reads, which send the same few read commands on every strict request and on
 * every sync: the official client's encoding, header merging and per-value
 * decoding cost more than the round trip's own work there, and the gate needs
 * nothing else from it. Replies come back as Upstash sends them (strings,
 * numbers, arrays, null); commands are never retried once Upstash answered,
 * and a network failure is retried once, quickly, as the client was configured.
 */
export function upstashRestPipeline(config: RedisConfig, options: { readonly retries?: number } = {}): (commands: readonly RestCommand[]) => Promise<unknown[]> {
  const endpoint = `${config.url.replace(/\/+$/, "")}/pipeline`;
  const headers = { Authorization: `Bearer ${config.token}`, "Content-Type": "application/json" };
  const retries = options.retries ?? 1;
  return async (commands) => {
    const body = JSON.stringify(commands);
    let response: Response | undefined;
    for (let attempt = 0; response === undefined; attempt += 1) {
      try {
        response = await fetch(endpoint, { method: "POST", headers, body });
      } catch (error) {
        if (attempt >= retries) throw error;
        await new Promise((resolve) => setTimeout(resolve, RETRY_AFTER_MS));
      }
    }
    const reply = parseJson(await response.text());
    if (!response.ok) throw new UpstashRestError(`Upstash answered ${response.status}: ${errorText(reply) ?? "no error message"}`);
    if (!Array.isArray(reply) || reply.length !== commands.length) throw new UpstashRestError("Upstash's pipeline reply does not match the commands sent");
    return reply.map((entry: unknown, index) => {
      const error = errorText(entry);
      if (error !== null) throw new UpstashRestError(`${commands[index]?.[0] ?? "a command"} failed: ${error}`);
      if (typeof entry !== "object" || entry === null || !("result" in entry)) throw new UpstashRestError("Upstash's pipeline reply has an entry without a result");
      return entry.result;
    });
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new UpstashRestError("Upstash's reply is not JSON");
  }
}

function errorText(value: unknown): string | null {
  if (typeof value !== "object" || value === null || !("error" in value)) return null;
  return typeof value.error === "string" ? value.error : "unknown error";
}

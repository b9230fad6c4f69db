import { Redis } from "@upstash/redis/cloudflare";
import { ErrorReply, type RedisReply } from "../../../dev/upstash/redis-reply";
import type { RedisStore } from "../../../dev/upstash/redis-store";
import { startUpstashServer } from "../../../dev/upstash/server";
import type { RunningServer } from "../../../dev/support/http-server";

export const TOKEN = "upstash-stand-in-test-token";

export interface StandIn {
  readonly server: RunningServer;
  readonly store: RedisStore;
  /** The official client with all its defaults: auto-pipelining, base64 responses, telemetry, retries. */
  readonly redis: Redis;
  close(): Promise<void>;
}

export async function startStandIn(store: RedisStore): Promise<StandIn> {
  const server = await startUpstashServer({ port: 0, token: TOKEN, store });
  return {
    server,
    store,
    redis: new Redis({ url: server.url, token: TOKEN }),
    close: async () => {
      await server.close();
      await store.close();
    },
  };
}

/** The same Redis URL on another database, so that suites running side by side never share keys. */
export function redisDatabaseUrl(redisUrl: string, database: number): string {
  const url = new URL(redisUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Raw HTTP against the stand-in, for what the client hides: statuses, encodings, headers. */
export async function post(server: RunningServer, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

export function base64(text: string): string {
  return Buffer.from(text, "utf8").toString("base64");
}

/** A store's reply in comparable form: Buffers (a real Redis) become UTF-8 strings, errors `{ error }`. */
export function replyAsText(reply: RedisReply | RedisReply[]): unknown {
  if (Buffer.isBuffer(reply)) return reply.toString("utf8");
  if (reply instanceof ErrorReply) return { error: reply.message };
  if (Array.isArray(reply)) return reply.map(replyAsText);
  return reply;
}

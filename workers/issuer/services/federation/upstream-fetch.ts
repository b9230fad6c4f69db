import { err, ok, type Result } from "../../../../shared/errors/result";
import { unavailable, type UpstreamFailure } from "./failures";

export const UPSTREAM_TIMEOUT_MS = 5_000;
export const UPSTREAM_BODY_LIMIT_BYTES = 256 * 1024;

export interface UpstreamAnswer {
  readonly status: number;
  readonly body: string;
}

export interface UpstreamCall {
  readonly fetch: typeof fetch;
  readonly allowLoopbackHttp: boolean;
}

const LOOPBACK_HOSTS = new Set(["localhost", "[::1]"]);

function isLoopback(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

/** Provider URLs are https; plain http is allowed only on loopback, and only in the local stack. */
export function isAllowedProviderUrl(url: string, allowLoopbackHttp: boolean): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.username !== "" || parsed.password !== "") return false;
  if (parsed.protocol === "https:") return true;
  return parsed.protocol === "http:" && allowLoopbackHttp && isLoopback(parsed.hostname);
}

/**
 * One call to a provider: 5 s for the whole exchange, redirects answered as failures (a provider
 * endpoint never redirects a back-channel call, and following one could reach anywhere), and the
 * body read only up to the limit.
 */
export async function callUpstream(call: UpstreamCall, url: string, init: RequestInit = {}): Promise<Result<UpstreamAnswer, UpstreamFailure>> {
  if (!isAllowedProviderUrl(url, call.allowLoopbackHttp)) return err(unavailable("refused a provider URL that is not https (plain http only on loopback in the local stack)"));
  const signal = AbortSignal.timeout(UPSTREAM_TIMEOUT_MS);
  let response: Response;
  try {
    response = await call.fetch(url, { ...init, redirect: "manual", signal });
  } catch (error) {
    return err(unavailable(signal.aborted ? "the provider did not answer within 5 seconds" : `the provider could not be reached (${error instanceof Error ? error.name : "error"})`));
  }
  if (response.status >= 300 && response.status < 400) {
    await response.body?.cancel();
    return err(unavailable(`the provider answered a redirect (${response.status}), which is not followed`));
  }
  const body = await readCapped(response, signal);
  if (!body.ok) return body;
  return ok({ status: response.status, body: body.value });
}

async function readCapped(response: Response, signal: AbortSignal): Promise<Result<string, UpstreamFailure>> {
  const declared = Number(response.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > UPSTREAM_BODY_LIMIT_BYTES) {
    await response.body?.cancel();
    return err(unavailable("the provider's answer is larger than allowed"));
  }
  if (response.body === null) return ok("");
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const chunk: ReadableStreamReadResult<Uint8Array> = await reader.read();
      if (chunk.done) break;
      const value = chunk.value;
      size += value.byteLength;
      if (size > UPSTREAM_BODY_LIMIT_BYTES) {
        await reader.cancel();
        return err(unavailable("the provider's answer is larger than allowed"));
      }
      chunks.push(value);
    }
  } catch {
    return err(unavailable(signal.aborted ? "the provider did not answer within 5 seconds" : "the provider's answer was cut off"));
  }
  const joined = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    joined.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return ok(new TextDecoder().decode(joined));
}

export type JsonObject = Readonly<Record<string, unknown>>;

/** A JSON object, or null for anything else (invalid JSON, an array, a string). */
export function parseJsonObject(text: string): JsonObject | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as JsonObject) : null;
  } catch {
    return null;
  }
}

export function stringField(object: JsonObject, name: string): string | null {
  const value = object[name];
  return typeof value === "string" && value !== "" ? value : null;
}

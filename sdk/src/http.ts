import { errorFromResponse, networkError } from "./errors";

export type Fetch = (input: Request | string | URL, init?: RequestInit) => Promise<Response>;

/** One call to the issuer: JSON in, JSON (or nothing) out, a PortcullisError for any error answer. */
export async function callIssuer<T>(fetcher: Fetch, url: string, init: { method: string; headers?: Record<string, string>; body?: unknown }): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json", ...init.headers };
  if (init.body !== undefined) headers["Content-Type"] = "application/json";
  let response: Response;
  try {
    response = await fetcher(url, { method: init.method, headers, ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }) });
  } catch (cause) {
    throw networkError(cause);
  }
  if (!response.ok) throw await errorFromResponse(response);
  if (response.status === 204 || response.headers.get("Content-Length") === "0") return undefined as T;
  const text = await response.text();
  return (text === "" ? undefined : JSON.parse(text)) as T;
}

/** The issuer's base URL without a trailing slash, so paths can be appended. */
export function baseUrl(issuerUrl: string): string {
  return issuerUrl.replace(/\/+$/, "");
}

/** `fetch` bound to the global object: browsers throw "Illegal invocation" when it is called detached. */
export function defaultFetch(): Fetch {
  return (input, init) => globalThis.fetch(input, init);
}

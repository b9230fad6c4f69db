import type { Failure } from "../errors/failure";
import { failureResponse } from "../errors/failure-response";

/** `{"error": {"code", "message", ...extra}}` with the status and headers the failure maps to. */
export function failureToResponse(failure: Failure, headers: HeadersInit = {}): Response {
  const mapped = failureResponse(failure);
  const body = JSON.stringify({ error: { code: mapped.code, message: mapped.message, ...mapped.extra } });
  const responseHeaders = new Headers(headers);
  responseHeaders.set("Content-Type", "application/json; charset=utf-8");
  responseHeaders.set("Cache-Control", "no-store");
  for (const [name, value] of Object.entries(mapped.headers)) responseHeaders.set(name, value);
  return new Response(body, { status: mapped.status, headers: responseHeaders });
}

/** For bugs and outages only: no stack, no SQL, no host names ever reach the client. */
export function internalErrorResponse(): Response {
  return new Response(JSON.stringify({ error: { code: "internal_error", message: "Something went wrong on our side." } }), {
    status: 500,
    headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" },
  });
}

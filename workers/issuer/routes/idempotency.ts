import type { MiddlewareHandler } from "hono";
import { IDEMPOTENCY_KEY_HEADER, IDEMPOTENT_REPLAYED_HEADER, isValidIdempotencyKey } from "../../../shared/domain/idempotency";
import type { AppEnv } from "../../../shared/http/create-app";
import { failureToResponse } from "../../../shared/http/error-body";
import { MAX_BODY_BYTES, readCapped } from "../../../shared/http/json-body";
import type { IssuerBindings } from "../app";
import type { IssuerDeps } from "../deps";
import { admitIdempotent, settleIdempotent, type IdempotencyDeps, type RecordedResponse } from "../services/idempotency";

const WRITE_METHODS: ReadonlySet<string> = new Set(["POST", "PATCH", "DELETE"]);

/** The headers that describe a stored answer; per-request ones (X-Request-Id) are set afresh on a replay. */
const REPLAYED_HEADERS = ["Content-Type", "Cache-Control", "Allow", "WWW-Authenticate", "Retry-After", "Location"] as const;

/**
 * Makes writes that carry an `Idempotency-Key` safe to retry: the first request
 * runs and its answer is stored; the same request again gets that answer without
 * running (no second write, no second audit event); a different request under
 * the same key, or one racing the first, is refused. Without the header nothing changes.
 * Mount it after authentication: a key belongs to the credential that sent it.
 */
export function idempotentWrites(scope: (deps: IssuerDeps) => IdempotencyDeps): MiddlewareHandler<AppEnv<IssuerBindings>> {
  return async function idempotentWrite(c, next) {
    const key = c.req.raw.headers.get(IDEMPOTENCY_KEY_HEADER);
    if (key === null || !WRITE_METHODS.has(c.req.method)) return next();
    if (!isValidIdempotencyKey(key)) {
      return failureToResponse({ reason: "invalid_request", field: IDEMPOTENCY_KEY_HEADER, message: "Use 1 to 255 visible ASCII characters, without spaces." });
    }
    // The handler reads the body itself; the fingerprint reads a copy.
    const body = await readCapped(c.req.raw.clone().body, MAX_BODY_BYTES);
    if (body === null) return failureToResponse({ reason: "payload_too_large", limitBytes: MAX_BODY_BYTES });
    const url = new URL(c.req.url);
    const idempotency = scope(c.get("deps"));
    const admission = await admitIdempotent(idempotency, key, { method: c.req.method, target: url.pathname + url.search, body });
    if (!admission.ok) return failureToResponse(admission.error);
    if (admission.value.kind === "replay") return replay(admission.value.response);
    await next();
    await settleIdempotent(idempotency, admission.value.claim, await record(c.res));
    return undefined;
  };
}

async function record(response: Response): Promise<RecordedResponse> {
  const headers = REPLAYED_HEADERS.flatMap((name) => {
    const value = response.headers.get(name);
    return value === null ? [] : [[name, value] as const];
  });
  return { status: response.status, headers, body: await response.clone().text() };
}

function replay(stored: RecordedResponse): Response {
  const headers = new Headers(stored.headers.map(([name, value]) => [name, value]));
  headers.set(IDEMPOTENT_REPLAYED_HEADER, "true");
  // 204 and other null-body statuses must be rebuilt without a body.
  const body = stored.body === "" ? null : stored.body;
  return new Response(body, { status: stored.status, headers });
}

import { badRequest, methodNotAllowed, noContent, sendJson } from "../support/http-server";
import { faultSchema, isProvider, supportsFault, type FaultBoard } from "./faults";
import type { Inbox } from "./inbox";
import { E164_SHAPE } from "./phone-number";
import type { RequestCounter } from "./request-counter";
import { readBodyOrRefuse } from "./request-body";
import type { RequestTarget } from "./request-target";
import type { RouteHandler } from "./route-handler";
import type { StatusCallbacks } from "./status-callbacks";
import { parseJsonOrUndefined } from "../support/files";

export interface ControlDependencies {
  readonly inbox: Inbox;
  readonly faults: FaultBoard;
  readonly counter: RequestCounter;
  readonly callbacks: StatusCallbacks;
}

/** The inbox listing answers at most this many messages, newest first. */
export const INBOX_PAGE_SIZE = 100;
const FAULT_PATH = /^\/__sandbox\/faults\/([^/]+)$/;

/** The sandbox's own API: `/messages` (the inbox), `/__sandbox/faults[/{provider}]`, `/__sandbox/stats`, `/__sandbox/callbacks`. */
export function controlRoutesHandler(dependencies: ControlDependencies): RouteHandler {
  const { inbox, faults, counter, callbacks } = dependencies;

  return async (request, response, target) => {
    const body = await readBodyOrRefuse(request, response);
    if (body === null) return;
    const method = request.method ?? "GET";

    if (target.path === "/messages") {
      const to = recipientFilter(target);
      if (to === null) return badRequest(response, "to must be an E.164 number, e.g. +14155550123");
      if (method === "GET") return sendJson(response, 200, { messages: inbox.newest(to, INBOX_PAGE_SIZE) });
      if (method === "DELETE") {
        await inbox.clear(to);
        return noContent(response);
      }
      return methodNotAllowed(response, "GET, DELETE");
    }
    if (target.path === "/__sandbox/faults") {
      if (method === "GET") return sendJson(response, 200, { faults: faults.current() });
      if (method === "DELETE") {
        faults.reset();
        return noContent(response);
      }
      return methodNotAllowed(response, "GET, DELETE");
    }
    const provider = FAULT_PATH.exec(target.path)?.[1];
    if (provider !== undefined) {
      if (method !== "PUT") return methodNotAllowed(response, "PUT");
      if (!isProvider(provider)) return badRequest(response, "provider must be one of twilio, sns, lookup");
      const fault = faultSchema.safeParse(parseJsonOrUndefined(body.toString("utf8")));
      if (!fault.success) {
        return badRequest(response, 'expected {"mode": "none" | "error_5xx" | "timeout" | "reject_number" | "undelivered", "numbers"?: ["+E.164", ...]}');
      }
      if (!supportsFault(provider, fault.data.mode)) return badRequest(response, `the ${fault.data.mode} fault is for twilio only`);
      faults.set(provider, fault.data);
      return sendJson(response, 200, { faults: faults.current() });
    }
    if (target.path === "/__sandbox/stats") {
      if (method !== "GET") return methodNotAllowed(response, "GET");
      return sendJson(response, 200, { requests: counter.snapshot() });
    }
    if (target.path === "/__sandbox/callbacks") {
      if (method !== "GET") return methodNotAllowed(response, "GET");
      return sendJson(response, 200, { callbacks: callbacks.attempts() });
    }
    sendJson(response, 404, { error: "not found" });
  };
}

/**
 * `undefined` for no filter, `null` for an unusable one. A `+` typed unencoded in a URL arrives as a
 * space, and a phone number never holds one, so it is read back as `+`.
 */
function recipientFilter(target: RequestTarget): string | undefined | null {
  const raw = target.query.get("to");
  if (raw === null) return undefined;
  const to = raw.replace(/^ /, "+");
  return E164_SHAPE.test(to) ? to : null;
}

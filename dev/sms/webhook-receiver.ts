import { parseJsonOrUndefined } from "../support/files";
import { badRequest, methodNotAllowed, noContent, readBody, sendJson } from "../support/http-server";
import { webhookFaultSchema, type WebhookFaultBoard } from "./webhook-faults";
import { ENDPOINT_NAME, type WebhookInbox } from "./webhook-inbox";
import type { RouteHandler } from "./route-handler";

/** The listing answers at most this many deliveries, newest first. */
export const WEBHOOK_PAGE_SIZE = 100;
/** A webhook body larger than this is refused with 413 (Portcullis's are a few hundred bytes). */
export const MAX_WEBHOOK_BODY_BYTES = 256 * 1024;
export const WEBHOOK_INBOX_PATH = "/webhooks";
export const WEBHOOK_FAULTS_PATH = "/__sandbox/webhook-faults";
const RECEIVE_PATH = /^\/webhooks\/([^/]+)$/;
const FAULT_PATH = /^\/__sandbox\/webhook-faults\/([^/]+)$/;

export function isWebhookReceiverPath(path: string): boolean {
  return path === WEBHOOK_INBOX_PATH || RECEIVE_PATH.test(path) || path === WEBHOOK_FAULTS_PATH || FAULT_PATH.test(path);
}

/**
 * A stand-in for an app's webhook endpoint: `POST /webhooks/{endpoint}` keeps what arrived (headers
 * and the raw body, unverified: a test verifies it as a real receiver would), `GET|DELETE /webhooks[?endpoint=]`
 * read and clear the inbox, and `PUT /__sandbox/webhook-faults/{endpoint}` makes an endpoint answer 500,
 * 410 or never answer, for every delivery or the next `count`.
 */
export function webhookReceiverHandler(inbox: WebhookInbox, faults: WebhookFaultBoard): RouteHandler {
  return async (request, response, target) => {
    const method = request.method ?? "GET";
    const received = RECEIVE_PATH.exec(target.path)?.[1];
    if (received !== undefined) {
      if (!ENDPOINT_NAME.test(received)) return badRequest(response, "the endpoint name is 1 to 64 letters, digits, _ or -");
      if (method !== "POST") return methodNotAllowed(response, "POST");
      const body = await readBody(request, MAX_WEBHOOK_BODY_BYTES);
      if (body === null) return sendJson(response, 413, { error: `webhook body is larger than ${MAX_WEBHOOK_BODY_BYTES} bytes` });
      switch (faults.take(received)) {
        case "error_5xx":
          return sendJson(response, 500, { error: "the receiver is failing (sandbox fault)" });
        case "gone":
          return sendJson(response, 410, { error: "this endpoint is gone (sandbox fault)" });
        case "timeout":
          return; // Never answered: the sender's own timeout has to fire, or the sandbox closes.
        case "none":
          break;
      }
      const header = (name: string) => {
        const value = request.headers[name];
        return typeof value === "string" ? value : null;
      };
      await inbox.add({
        endpoint: received,
        webhook_id: header("webhook-id"),
        webhook_timestamp: header("webhook-timestamp"),
        webhook_signature: header("webhook-signature"),
        content_type: header("content-type"),
        body: body.toString("utf8"),
      });
      return noContent(response);
    }

    const body = await readBody(request, MAX_WEBHOOK_BODY_BYTES);
    if (body === null) return sendJson(response, 413, { error: `request body is larger than ${MAX_WEBHOOK_BODY_BYTES} bytes` });
    if (target.path === WEBHOOK_INBOX_PATH) {
      const endpoint = target.query.get("endpoint") ?? undefined;
      if (endpoint !== undefined && !ENDPOINT_NAME.test(endpoint)) return badRequest(response, "endpoint is 1 to 64 letters, digits, _ or -");
      if (method === "GET") return sendJson(response, 200, { deliveries: inbox.newest(endpoint, WEBHOOK_PAGE_SIZE) });
      if (method === "DELETE") {
        await inbox.clear(endpoint);
        return noContent(response);
      }
      return methodNotAllowed(response, "GET, DELETE");
    }
    if (target.path === WEBHOOK_FAULTS_PATH) {
      if (method === "GET") return sendJson(response, 200, { endpoints: faults.current() });
      if (method === "DELETE") {
        faults.reset();
        return noContent(response);
      }
      return methodNotAllowed(response, "GET, DELETE");
    }
    const name = FAULT_PATH.exec(target.path)?.[1];
    if (name === undefined) return sendJson(response, 404, { error: "not found" });
    if (method !== "PUT") return methodNotAllowed(response, "PUT");
    if (!ENDPOINT_NAME.test(name)) return badRequest(response, "the endpoint name is 1 to 64 letters, digits, _ or -");
    const fault = webhookFaultSchema.safeParse(parseJsonOrUndefined(body.toString("utf8")));
    if (!fault.success) return badRequest(response, 'expected {"mode": "none" | "error_5xx" | "timeout" | "gone", "count"?: 1..1000}');
    faults.set(name, fault.data);
    sendJson(response, 200, { endpoints: faults.current() });
  };
}

import { parseJsonOrUndefined } from "../support/files";
import { badRequest, methodNotAllowed, noContent, sendJson } from "../support/http-server";
import { mailboxAddress } from "./email-address";
import { emailFaultSchema, emailFaultSupported, EMAIL_FAULT_TARGETS, isEmailFaultTarget, type EmailFaultBoard } from "./email-faults";
import type { EmailInbox } from "./email-inbox";
import { readBodyOrRefuse } from "./request-body";
import type { RouteHandler } from "./route-handler";

/** The email inbox listing answers at most this many emails, newest first. */
export const EMAIL_PAGE_SIZE = 100;
export const EMAIL_INBOX_PATH = "/emails";
export const EMAIL_FAULTS_PATH = "/__sandbox/email-faults";
const EMAIL_FAULT_PATH = /^\/__sandbox\/email-faults\/([^/]+)$/;

/** `GET`/`DELETE /emails[?to=]` (the email inbox), and `/__sandbox/email-faults[/{target}]`. */
export function emailControlRoutesHandler(inbox: EmailInbox, faults: EmailFaultBoard): RouteHandler {
  return async (request, response, target) => {
    const body = await readBodyOrRefuse(request, response);
    if (body === null) return;
    const method = request.method ?? "GET";

    if (target.path === EMAIL_INBOX_PATH) {
      // A `+` typed unencoded (ada+tag@example.org) arrives as a space, which no address holds.
      const raw = target.query.get("to")?.replaceAll(" ", "+") ?? null;
      const to = raw === null ? undefined : mailboxAddress(raw) === raw ? raw : null;
      if (to === null) return badRequest(response, "to must be a plain email address, e.g. ada@example.com");
      if (method === "GET") return sendJson(response, 200, { emails: inbox.newest(to, EMAIL_PAGE_SIZE) });
      if (method === "DELETE") {
        await inbox.clear(to);
        return noContent(response);
      }
      return methodNotAllowed(response, "GET, DELETE");
    }
    if (target.path === EMAIL_FAULTS_PATH) {
      if (method === "GET") return sendJson(response, 200, { faults: faults.current() });
      if (method === "DELETE") {
        faults.reset();
        return noContent(response);
      }
      return methodNotAllowed(response, "GET, DELETE");
    }
    const name = EMAIL_FAULT_PATH.exec(target.path)?.[1];
    if (name === undefined) return sendJson(response, 404, { error: "not found" });
    if (method !== "PUT") return methodNotAllowed(response, "PUT");
    if (!isEmailFaultTarget(name)) return badRequest(response, `target must be one of ${EMAIL_FAULT_TARGETS.join(", ")}`);
    const fault = emailFaultSchema.safeParse(parseJsonOrUndefined(body.toString("utf8")));
    if (!fault.success) return badRequest(response, 'expected {"mode": "none" | "error_5xx" | "timeout" | "reject_address", "addresses"?: ["ada@example.com", ...]}');
    if (!emailFaultSupported(name, fault.data)) return badRequest(response, "the range API plays error_5xx and timeout, for every request");
    faults.set(name, fault.data);
    sendJson(response, 200, { faults: faults.current() });
  };
}

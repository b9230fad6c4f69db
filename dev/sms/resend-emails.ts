import { randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import { sendJson } from "../support/http-server";
import { mailboxAddress } from "./email-address";
import type { EmailFaultBoard } from "./email-faults";
import type { EmailInbox } from "./email-inbox";
import { jsonObject } from "./json-object";
import { readBodyOrRefuse } from "./request-body";
import type { RouteHandler } from "./route-handler";
import { sameSecret } from "./secret-compare";

export interface ResendDependencies {
  readonly apiKey: string;
  readonly inbox: EmailInbox;
  readonly faults: EmailFaultBoard;
}

export const RESEND_EMAILS_PATH = "/emails";
/** Resend's limit on recipients per email. */
const MAX_RECIPIENTS = 50;
const ADDRESS_FORMAT = "The email address needs to follow the `email@example.com` or `Name <email@example.com>` format.";

/**
 * Resend's send-email API: `POST /emails` with `Authorization: Bearer <key>` and JSON
 * `{from, to, subject, text?, html?}`; answers `{id}`, errors `{statusCode, name, message}`.
 */
export function resendEmailsHandler(dependencies: ResendDependencies): RouteHandler {
  const { apiKey, inbox, faults } = dependencies;

  return async (request, response) => {
    const body = await readBodyOrRefuse(request, response);
    if (body === null) return;
    if (request.method !== "POST") return resendError(response, 405, "method_not_allowed", "Method is not allowed for the requested path.", { allow: "POST" });
    const presented = /^Bearer (\S+)$/.exec(request.headers.authorization ?? "")?.[1];
    if (presented === undefined) return resendError(response, 401, "missing_api_key", "Missing API key in the authorization header. Include the following header Authorization: Bearer YOUR_API_KEY in the request.");
    if (!sameSecret(presented, apiKey)) return resendError(response, 403, "invalid_api_key", "API key is invalid");
    const email = jsonObject(body);
    if (email === null) return resendError(response, 400, "validation_error", "Invalid JSON in the request body.");
    await send(email, response);
  };

  async function send(email: Record<string, unknown>, response: ServerResponse): Promise<void> {
    for (const field of ["from", "to", "subject"]) {
      if (email[field] === undefined || email[field] === "") return resendError(response, 422, "missing_required_field", `Missing \`${field}\` field.`);
    }
    const recipients = typeof email.to === "string" ? [email.to] : email.to;
    if (!Array.isArray(recipients) || recipients.length === 0 || recipients.length > MAX_RECIPIENTS || !recipients.every((value) => typeof value === "string")) {
      return resendError(response, 400, "validation_error", `Invalid \`to\` field. ${ADDRESS_FORMAT}`);
    }
    const to = recipients.map((value: string) => mailboxAddress(value));
    if (to.some((address) => address === null)) return resendError(response, 400, "validation_error", `Invalid \`to\` field. ${ADDRESS_FORMAT}`);
    const addresses = to.filter((address): address is string => address !== null);

    switch (faults.modeFor("resend", addresses)) {
      case "none":
        break;
      case "error_5xx":
        return resendError(response, 500, "application_error", "An unexpected error occurred.");
      case "timeout":
        return; // Never answered: the client's own timeout has to fire, or the sandbox closes.
      case "reject_address":
        return resendError(response, 422, "validation_error", "The recipient address is suppressed: it bounced or complained before.");
    }

    if (typeof email.from !== "string" || mailboxAddress(email.from) === null) return resendError(response, 400, "validation_error", `Invalid \`from\` field. ${ADDRESS_FORMAT}`);
    if (typeof email.subject !== "string") return resendError(response, 400, "validation_error", "The `subject` field must be a `string`.");
    for (const field of ["text", "html"]) {
      if (email[field] !== undefined && typeof email[field] !== "string") return resendError(response, 400, "validation_error", `The \`${field}\` field must be a \`string\`.`);
    }
    const text = typeof email.text === "string" ? email.text : "";
    const html = typeof email.html === "string" ? email.html : "";
    if (text === "" && html === "") return resendError(response, 422, "missing_required_field", "Missing `html` or `text` field.");

    const id = randomUUID();
    await inbox.add("resend", id, { to: addresses, from: email.from, subject: email.subject, text, html });
    sendJson(response, 200, { id });
  }
}

function resendError(response: ServerResponse, statusCode: number, name: string, message: string, headers: Record<string, string> = {}): void {
  sendJson(response, statusCode, { statusCode, name, message }, headers);
}

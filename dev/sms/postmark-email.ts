import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { sendJson } from "../support/http-server";
import { mailboxAddress } from "./email-address";
import type { EmailFaultBoard } from "./email-faults";
import type { EmailInbox } from "./email-inbox";
import { jsonObject } from "./json-object";
import { readBodyOrRefuse } from "./request-body";
import type { RouteHandler } from "./route-handler";
import { sameSecret } from "./secret-compare";

export interface PostmarkDependencies {
  readonly serverToken: string;
  readonly inbox: EmailInbox;
  readonly faults: EmailFaultBoard;
}

export const POSTMARK_EMAIL_PATH = "/email";
/** Postmark's limit on To, Cc and Bcc recipients together. */
const MAX_RECIPIENTS = 50;
const TRANSACTIONAL_STREAM = "outbound";
const TRACK_LINKS: readonly string[] = ["None", "HtmlAndText", "HtmlOnly", "TextOnly"];

/**
 * Postmark's single-email API: `POST /email` with `X-Postmark-Server-Token`, JSON in and out
 * (`Accept` and `Content-Type: application/json`); answers `{To, SubmittedAt, MessageID,
 * ErrorCode: 0, Message: "OK"}`, errors `{ErrorCode, Message}` (422 for a refused request).
 */
export function postmarkEmailHandler(dependencies: PostmarkDependencies): RouteHandler {
  const { serverToken, inbox, faults } = dependencies;

  return async (request, response) => {
    const body = await readBodyOrRefuse(request, response);
    if (body === null) return;
    if (request.method !== "POST") return sendJson(response, 405, { ErrorCode: 0, Message: "The request method is not supported." }, { allow: "POST" });
    const token = request.headers["x-postmark-server-token"];
    if (typeof token !== "string" || token === "") {
      return postmarkError(response, 401, 10, "No Account or Server API tokens were supplied in the HTTP headers. Please add a header for either X-Postmark-Server-Token or X-Postmark-Account-Token.");
    }
    if (!sameSecret(token, serverToken)) return postmarkError(response, 401, 10, "The Server API token you provided is not valid.");
    if (!wantsJson(request)) return postmarkError(response, 422, 409, "JSON required: send 'Accept: application/json' and 'Content-Type: application/json'.");
    const email = jsonObject(body);
    if (email === null) return postmarkError(response, 422, 402, "Received invalid JSON input.");
    await send(email, response);
  };

  async function send(email: Record<string, unknown>, response: ServerResponse): Promise<void> {
    if (typeof email.To !== "string" || email.To.trim() === "") return postmarkError(response, 422, 300, "Zero recipients specified");
    const recipients = email.To.split(",").map((value) => value.trim());
    if (recipients.length > MAX_RECIPIENTS) return postmarkError(response, 422, 300, `Too many recipients: at most ${MAX_RECIPIENTS}.`);
    const to: string[] = [];
    for (const recipient of recipients) {
      const address = mailboxAddress(recipient);
      if (address === null) return postmarkError(response, 422, 300, `Error parsing 'To': Illegal email address '${recipient}'.`);
      to.push(address);
    }

    switch (faults.modeFor("postmark", to)) {
      case "none":
        break;
      case "error_5xx":
        return postmarkError(response, 503, 100, "Maintenance");
      case "timeout":
        return; // Never answered: the client's own timeout has to fire, or the sandbox closes.
      case "reject_address":
        return postmarkError(response, 422, 406, "You tried to send to recipient(s) that have been marked as inactive. Inactive recipients are ones that have generated a hard bounce, a spam complaint, or a manual suppression.");
    }

    if (typeof email.From !== "string" || mailboxAddress(email.From) === null) return postmarkError(response, 422, 300, "Invalid 'From' address.");
    for (const field of ["Subject", "TextBody", "HtmlBody", "MessageStream"]) {
      if (email[field] !== undefined && typeof email[field] !== "string") return postmarkError(response, 422, 300, `Invalid '${field}' value: it must be a string.`);
    }
    if (email.TrackOpens !== undefined && typeof email.TrackOpens !== "boolean") return postmarkError(response, 422, 300, "Invalid 'TrackOpens' value: it must be a boolean.");
    if (email.TrackLinks !== undefined && !(typeof email.TrackLinks === "string" && TRACK_LINKS.includes(email.TrackLinks))) {
      return postmarkError(response, 422, 300, `Invalid 'TrackLinks' value: it must be one of ${TRACK_LINKS.join(", ")}.`);
    }
    const text = typeof email.TextBody === "string" ? email.TextBody : "";
    const html = typeof email.HtmlBody === "string" ? email.HtmlBody : "";
    if (text === "" && html === "") return postmarkError(response, 422, 300, "Provide either email TextBody or HtmlBody or both.");
    if (email.MessageStream !== undefined && email.MessageStream !== TRANSACTIONAL_STREAM) {
      return postmarkError(response, 422, 1235, "The message stream for the provided 'ID' was not found.");
    }

    const id = randomUUID();
    const submittedAt = new Date().toISOString();
    await inbox.add("postmark", id, { to, from: email.From, subject: typeof email.Subject === "string" ? email.Subject : "", text, html });
    sendJson(response, 200, { To: email.To, SubmittedAt: submittedAt, MessageID: id, ErrorCode: 0, Message: "OK" });
  }
}

function wantsJson(request: IncomingMessage): boolean {
  return (request.headers.accept ?? "").includes("application/json") && (request.headers["content-type"] ?? "").startsWith("application/json");
}

function postmarkError(response: ServerResponse, status: number, errorCode: number, message: string): void {
  sendJson(response, status, { ErrorCode: errorCode, Message: message });
}

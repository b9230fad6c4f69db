import { randomBytes, randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import { sendJson } from "../support/http-server";
import { mailboxAddress } from "./email-address";
import type { EmailFaultBoard } from "./email-faults";
import type { EmailInbox } from "./email-inbox";
import { jsonObject } from "./json-object";
import { readBodyOrRefuse } from "./request-body";
import type { RouteHandler } from "./route-handler";
import { verifySigV4, type SigV4FailureCode } from "./sigv4-verify";

export interface SesCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly region: string;
}

export interface SesDependencies {
  readonly credentials: SesCredentials;
  readonly inbox: EmailInbox;
  readonly faults: EmailFaultBoard;
}

export const SES_OUTBOUND_EMAILS_PATH = "/v2/email/outbound-emails";
/** SES's limit on recipients per message. */
const MAX_RECIPIENTS = 50;

/** How a REST-JSON AWS service names each SigV4 failure in `x-amzn-ErrorType`. */
const SIGV4_ERROR_TYPES: Record<SigV4FailureCode, string> = {
  MissingAuthenticationToken: "MissingAuthenticationTokenException",
  IncompleteSignature: "IncompleteSignatureException",
  InvalidClientTokenId: "UnrecognizedClientException",
  SignatureDoesNotMatch: "InvalidSignatureException",
  RequestExpired: "InvalidSignatureException",
};

/**
 * AWS SES v2 `SendEmail` with `Simple` content, SigV4-signed for service `ses`. Answers
 * `{MessageId}`; errors are REST-JSON: the type in `x-amzn-ErrorType`, `{message}` in the body.
 */
export function sesOutboundEmailsHandler(dependencies: SesDependencies): RouteHandler {
  const { credentials, inbox, faults } = dependencies;

  return async (request, response) => {
    const body = await readBodyOrRefuse(request, response);
    if (body === null) return;
    if (request.method !== "POST") return sesError(response, 405, "MethodNotAllowedException", "The request method is not supported for this resource.");
    const verdict = verifySigV4({ method: request.method, target: request.url ?? "/", rawHeaders: request.rawHeaders, body }, { ...credentials, service: "ses", now: new Date() });
    if (!verdict.ok) return sesError(response, 403, SIGV4_ERROR_TYPES[verdict.code], verdict.message);
    const email = jsonObject(body);
    if (email === null) return sesError(response, 400, "BadRequestException", "The request body is not valid JSON.");
    await send(email, response);
  };

  async function send(email: Record<string, unknown>, response: ServerResponse): Promise<void> {
    const destination = objectField(email, "Destination");
    const toAddresses = destination?.ToAddresses;
    if (!Array.isArray(toAddresses) || toAddresses.length === 0) return sesError(response, 400, "BadRequestException", "Destination.ToAddresses must name at least one recipient.");
    if (toAddresses.length > MAX_RECIPIENTS) return sesError(response, 400, "BadRequestException", `Recipient count exceeds ${MAX_RECIPIENTS}.`);
    const to: string[] = [];
    for (const recipient of toAddresses) {
      const address = typeof recipient === "string" ? mailboxAddress(recipient) : null;
      if (address === null) return sesError(response, 400, "BadRequestException", "Illegal address");
      to.push(address);
    }

    switch (faults.modeFor("ses", to)) {
      case "none":
        break;
      case "error_5xx":
        return sesError(response, 500, "InternalFailure", "The request processing has failed because of an unknown error, exception or failure.");
      case "timeout":
        return; // Never answered: the client's own timeout has to fire, or the sandbox closes.
      case "reject_address":
        return sesError(response, 400, "MessageRejected", "Email address is on the account-level suppression list.");
    }

    if (typeof email.FromEmailAddress !== "string" || mailboxAddress(email.FromEmailAddress) === null) {
      return sesError(response, 400, "BadRequestException", "FromEmailAddress is required and must be an email address.");
    }
    const content = objectField(email, "Content");
    if (content === null) return sesError(response, 400, "BadRequestException", "Content is required.");
    if (content.Raw !== undefined || content.Template !== undefined) return sesError(response, 400, "BadRequestException", "The sandbox sends Simple content only.");
    const simple = objectField(content, "Simple");
    const subject = textContent(objectField(simple, "Subject"));
    if (subject === null || subject === "") return sesError(response, 400, "BadRequestException", "Content.Simple.Subject.Data is required.");
    const bodyParts = objectField(simple, "Body");
    const text = textContent(objectField(bodyParts, "Text"));
    const html = textContent(objectField(bodyParts, "Html"));
    if (text === null && html === null) return sesError(response, 400, "BadRequestException", "Content.Simple.Body needs Text or Html, each with Data.");

    const messageId = sesMessageId();
    await inbox.add("ses", messageId, { to, from: email.FromEmailAddress, subject, text: text ?? "", html: html ?? "" });
    sendJson(response, 200, { MessageId: messageId }, { "x-amzn-requestid": randomUUID() });
  }
}

function objectField(parent: Record<string, unknown> | null, name: string): Record<string, unknown> | null {
  const value = parent?.[name];
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

/** `{Data, Charset?}`: the Data, or `null` when absent or malformed (SES knows UTF-8, ISO-8859-1 and Shift_JIS). */
function textContent(content: Record<string, unknown> | null): string | null {
  if (content === null || typeof content.Data !== "string") return null;
  if (content.Charset !== undefined && !(typeof content.Charset === "string" && /^(utf-8|iso-8859-1|shift_jis)$/i.test(content.Charset))) return null;
  return content.Data;
}

/** Shaped like SES's own ids: `0100` + 12 hex, a UUID, `-000000`. */
function sesMessageId(): string {
  return `0100${randomBytes(6).toString("hex")}-${randomUUID()}-000000`;
}

function sesError(response: ServerResponse, status: number, type: string, message: string): void {
  sendJson(response, status, { message }, { "x-amzn-errortype": type, "x-amzn-requestid": randomUUID() });
}

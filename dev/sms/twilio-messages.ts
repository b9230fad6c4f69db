import type { ServerResponse } from "node:http";
import { sendJson } from "../support/http-server";
import type { FaultBoard } from "./faults";
import type { Inbox } from "./inbox";
import { parseValidE164 } from "./phone-number";
import type { RequestCounter } from "./request-counter";
import { readBodyOrRefuse } from "./request-body";
import { decodePathSegment } from "./request-target";
import type { RouteHandler } from "./route-handler";
import type { InboxEntry } from "./sandbox-message";
import type { StatusCallbacks } from "./status-callbacks";
import { hasTwilioCredentials, type TwilioCredentials } from "./twilio-auth";
import { sendTwilioAuthenticationError, sendTwilioError, sendTwilioMethodNotAllowed, sendTwilioNotFound, sendTwilioOutage } from "./twilio-errors";
import { newMessageSid, TWILIO_API_VERSION, twilioMessageResource, type TwilioMessage } from "./twilio-message-resource";

export interface TwilioAccount extends TwilioCredentials {
  readonly messagingServiceSid: string;
}

export interface TwilioMessagesDependencies {
  readonly account: TwilioAccount;
  readonly inbox: Inbox;
  readonly faults: FaultBoard;
  readonly counter: RequestCounter;
  readonly callbacks: StatusCallbacks;
}

/** Twilio's limit for one message body, in characters. */
const MAX_BODY_CHARACTERS = 1_600;
const MESSAGES_PATH = new RegExp(`^/${TWILIO_API_VERSION}/Accounts/([^/]+)/Messages\\.json$`);
const MESSAGE_PATH = new RegExp(`^/${TWILIO_API_VERSION}/Accounts/([^/]+)/Messages/([^/]+)\\.json$`);
const SERVICE_SID_SHAPE = /^MG[0-9a-fA-F]{32}$/;
const ALPHANUMERIC_SENDER = /^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$/;

/** Twilio's Messages API under `/2010-04-01/`: create a message, fetch one. */
export function twilioMessagesHandler(dependencies: TwilioMessagesDependencies): RouteHandler {
  const { account, inbox, faults, counter, callbacks } = dependencies;

  return async (request, response, target) => {
    counter.record("twilio");
    const body = await readBodyOrRefuse(request, response);
    if (body === null) return;
    if (!hasTwilioCredentials(request, account)) return sendTwilioAuthenticationError(response);

    const collection = MESSAGES_PATH.exec(target.path);
    const single = MESSAGE_PATH.exec(target.path);
    const accountInPath = collection?.[1] ?? single?.[1];
    // Credentials are valid here, so a different account in the path is "not yours", as Twilio answers.
    if (accountInPath !== account.accountSid) return sendTwilioNotFound(response, target.path);

    if (collection) {
      if (request.method !== "POST") return sendTwilioMethodNotAllowed(response, "POST");
      return createMessage(new URLSearchParams(body.toString("utf8")), response);
    }
    if (request.method !== "GET") return sendTwilioMethodNotAllowed(response, "GET");
    const entry = inbox.find(decodePathSegment(single?.[2] ?? ""));
    if (entry?.message.provider !== "twilio") return sendTwilioNotFound(response, target.path);
    sendJson(response, 200, twilioMessageResource(storedMessage(entry), "delivered"));
  };

  async function createMessage(form: URLSearchParams, response: ServerResponse): Promise<void> {
    const to = form.get("To");
    if (!to) return sendTwilioError(response, 400, 21604, "A 'To' phone number is required.");

    const fault = faults.modeFor("twilio", to);
    switch (fault) {
      case "none":
      case "undelivered": // Accepted like any message; only the status callback tells.
        break;
      case "error_5xx":
        return sendTwilioOutage(response);
      case "timeout":
        return; // Never answered: the client's own timeout has to fire, or the sandbox closes.
      case "reject_number":
        return rejectTo(response, to);
    }

    const text = form.get("Body");
    if (!text) return sendTwilioError(response, 400, 21602, "Message body is required.");
    if (Array.from(text).length > MAX_BODY_CHARACTERS) {
      return sendTwilioError(response, 400, 21617, "The concatenated message body exceeds the 1600 character limit.");
    }
    const serviceSid = form.get("MessagingServiceSid");
    if (serviceSid !== null && serviceSid !== account.messagingServiceSid) {
      return SERVICE_SID_SHAPE.test(serviceSid)
        ? sendTwilioError(response, 400, 21701, `The Messaging Service ${serviceSid} does not exist.`)
        : sendTwilioError(response, 400, 21705, "The Messaging Service is invalid.");
    }
    const from = form.get("From");
    if (serviceSid === null && from === null) return sendTwilioError(response, 400, 21603, "A 'From' phone number is required.");
    if (from !== null && !parseValidE164(from) && !ALPHANUMERIC_SENDER.test(from)) {
      return sendTwilioError(response, 400, 21212, `The 'From' number ${from} is not a valid phone number, shortcode, or alphanumeric sender ID.`);
    }
    const statusCallback = form.get("StatusCallback");
    if (statusCallback !== null && !isCallbackUrl(statusCallback)) return sendTwilioError(response, 400, 21609, "The StatusCallback URL is not valid.");
    if (!parseValidE164(to)) return rejectTo(response, to);

    const message: TwilioMessage = {
      sid: newMessageSid(),
      accountSid: account.accountSid,
      to,
      from,
      messagingServiceSid: serviceSid,
      body: text,
      createdAt: new Date(),
    };
    // An undelivered message never reached the phone, so it stays out of the inbox.
    if (fault !== "undelivered") {
      await inbox.add({
        message: { id: message.sid, to, body: text, provider: "twilio", received_at: message.createdAt.toISOString() },
        from,
      });
    }
    sendJson(response, 201, twilioMessageResource(message, "queued"));
    if (statusCallback !== null) callbacks.schedule(message, statusCallback, fault === "undelivered" ? "undelivered" : "delivered");
  }

  function storedMessage(entry: InboxEntry): TwilioMessage {
    const { message, from } = entry;
    return {
      sid: message.id,
      accountSid: account.accountSid,
      to: message.to,
      from,
      // A message stored without a sender was sent through the (only) Messaging Service.
      messagingServiceSid: from === null ? account.messagingServiceSid : null,
      body: message.body,
      createdAt: new Date(message.received_at),
    };
  }
}

/** Twilio wants an absolute http(s) URL with a hostname it can resolve; underscores are not allowed in it. */
function isCallbackUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "" && !url.hostname.includes("_");
}

function rejectTo(response: ServerResponse, to: string): void {
  sendTwilioError(response, 400, 21211, `The 'To' number ${to} is not a valid phone number.`);
}

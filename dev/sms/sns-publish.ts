import { randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import { sendJson } from "../support/http-server";
import { accountWideFault, type FaultBoard } from "./faults";
import type { Inbox } from "./inbox";
import { parseValidE164 } from "./phone-number";
import type { RequestCounter } from "./request-counter";
import { readBodyOrRefuse } from "./request-body";
import type { RouteHandler } from "./route-handler";
import { verifySigV4 } from "./sigv4-verify";
import { parseMessageAttributes } from "./sns-message-attributes";
import { sendPublishResponse, sendSmsAttributesResponse, sendSnsError } from "./sns-xml";

export interface SnsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly region: string;
}

export interface SnsPublishDependencies {
  readonly credentials: SnsCredentials;
  readonly inbox: Inbox;
  readonly faults: FaultBoard;
  readonly counter: RequestCounter;
}

const SNS_API_VERSION = "2010-03-31";
/** The account's SMS settings as `GetSMSAttributes` reports them; the sandbox has only these. */
const SMS_ATTRIBUTES: ReadonlyMap<string, string> = new Map([
  ["DefaultSMSType", "Transactional"],
  ["MonthlySpendLimit", "1"],
]);
/** SNS's limit for an SMS message, in characters. */
const MAX_MESSAGE_CHARACTERS = 1_600;

/**
 * AWS SNS's query API at `POST /`, SigV4-signed: `Action=Publish` to a `PhoneNumber`, and
 * `Action=GetSMSAttributes`, the cheap authenticated call a health check makes.
 */
export function snsPublishHandler(dependencies: SnsPublishDependencies): RouteHandler {
  const { credentials, inbox, faults, counter } = dependencies;

  return async (request, response) => {
    counter.record("sns");
    if (request.method !== "POST") return sendJson(response, 405, { error: "the SNS stand-in accepts POST only" }, { allow: "POST" });
    const body = await readBodyOrRefuse(request, response);
    if (body === null) return;
    const verdict = verifySigV4(
      { method: request.method, target: request.url ?? "/", rawHeaders: request.rawHeaders, body },
      { ...credentials, service: "sns", now: new Date() },
    );
    if (!verdict.ok) return sendSnsError(response, verdict.code === "IncompleteSignature" ? 400 : 403, verdict.code, verdict.message);
    await publish(new URLSearchParams(body.toString("utf8")), response);
  };

  async function publish(form: URLSearchParams, response: ServerResponse): Promise<void> {
    const action = form.get("Action");
    if (action === null) return sendSnsError(response, 400, "MissingAction", "The request must contain the parameter Action.");
    if (action !== "Publish" && action !== "GetSMSAttributes") return sendSnsError(response, 400, "InvalidAction", `The action ${action} is not valid for this web service.`);
    const version = form.get("Version");
    if (version !== null && version !== SNS_API_VERSION) return sendSnsError(response, 400, "NoSuchVersion", `Version ${version} is not supported.`);
    if (action === "GetSMSAttributes") return smsAttributes(form, response, faults);
    const to = form.get("PhoneNumber");
    if (to === null) {
      return sendSnsError(response, 400, "InvalidParameter", "Invalid parameter: TopicArn or TargetArn Reason: the SMS sandbox publishes to a PhoneNumber only");
    }

    switch (faults.modeFor("sns", to)) {
      case "none":
        break;
      case "error_5xx":
        return sendSnsError(response, 503, "InternalError", "The request processing has failed because of an unknown error, exception or failure.");
      case "timeout":
        return; // Never answered: the client's own timeout has to fire, or the sandbox closes.
      case "reject_number":
        return rejectPhoneNumber(response, to);
    }

    const message = form.get("Message");
    if (!message) return sendSnsError(response, 400, "InvalidParameter", "Invalid parameter: Message Reason: Empty message");
    if (Array.from(message).length > MAX_MESSAGE_CHARACTERS) return sendSnsError(response, 400, "InvalidParameter", "Invalid parameter: Message too long");
    const attributes = parseMessageAttributes(form);
    if (!attributes.ok) return sendSnsError(response, 400, attributes.code, attributes.message);
    if (!parseValidE164(to)) return rejectPhoneNumber(response, to);

    const messageId = randomUUID();
    await inbox.add({
      message: { id: messageId, to, body: message, provider: "sns", received_at: new Date().toISOString() },
      from: attributes.attributes.get("AWS.MM.SMS.OriginationNumber") ?? null,
    });
    sendPublishResponse(response, messageId);
  }
}

/** Only the attributes named by `attributes.member.N`, all of them when none is named; a provider-wide fault applies. */
function smsAttributes(form: URLSearchParams, response: ServerResponse, faults: FaultBoard): void {
  const fault = accountWideFault(faults, "sns");
  if (fault === "timeout") return;
  if (fault === "error_5xx") return sendSnsError(response, 503, "InternalError", "The request processing has failed because of an unknown error, exception or failure.");
  const named = [...form.keys()].filter((key) => /^attributes\.member\.\d+$/.test(key)).map((key) => form.get(key) ?? "");
  const chosen = named.length === 0 ? SMS_ATTRIBUTES : new Map([...SMS_ATTRIBUTES].filter(([key]) => named.includes(key)));
  sendSmsAttributesResponse(response, chosen);
}

function rejectPhoneNumber(response: ServerResponse, to: string): void {
  sendSnsError(response, 400, "InvalidParameter", `Invalid parameter: PhoneNumber Reason: ${to} is not valid to publish to`);
}

import { sendJson } from "../support/http-server";
import { accountWideFault, type FaultBoard } from "./faults";
import type { RequestCounter } from "./request-counter";
import { readBodyOrRefuse } from "./request-body";
import type { RouteHandler } from "./route-handler";
import { hasTwilioCredentials, type TwilioCredentials } from "./twilio-auth";
import { sendTwilioAuthenticationError, sendTwilioMethodNotAllowed, sendTwilioNotFound, sendTwilioOutage } from "./twilio-errors";
import { rfc2822, TWILIO_API_VERSION } from "./twilio-message-resource";

export const ACCOUNT_PATH = new RegExp(`^/${TWILIO_API_VERSION}/Accounts/([^/]+)\\.json$`);

export interface TwilioAccountDependencies {
  readonly credentials: TwilioCredentials;
  readonly faults: FaultBoard;
  readonly counter: RequestCounter;
}

/**
 * Twilio's account fetch, `GET /2010-04-01/Accounts/{AccountSid}.json`: what a health check
 * calls to learn that the credentials work. Provider-wide `error_5xx` and `timeout` faults
 * apply, as to the Messages API.
 */
export function twilioAccountHandler(dependencies: TwilioAccountDependencies): RouteHandler {
  const { credentials, faults, counter } = dependencies;
  const created = rfc2822(new Date());
  return async (request, response, target) => {
    counter.record("twilio");
    const body = await readBodyOrRefuse(request, response);
    if (body === null) return;
    if (!hasTwilioCredentials(request, credentials)) return sendTwilioAuthenticationError(response);
    if (ACCOUNT_PATH.exec(target.path)?.[1] !== credentials.accountSid) return sendTwilioNotFound(response, target.path);
    if (request.method !== "GET") return sendTwilioMethodNotAllowed(response, "GET");
    const fault = accountWideFault(faults, "twilio");
    if (fault === "timeout") return;
    if (fault === "error_5xx") return sendTwilioOutage(response);
    const uri = `/${TWILIO_API_VERSION}/Accounts/${credentials.accountSid}.json`;
    sendJson(response, 200, {
      sid: credentials.accountSid,
      owner_account_sid: credentials.accountSid,
      friendly_name: "Portcullis SMS Sandbox",
      status: "active",
      type: "Full",
      date_created: created,
      date_updated: created,
      uri,
      subresource_uris: { messages: uri.replace(/\.json$/, "/Messages.json") },
    });
  };
}

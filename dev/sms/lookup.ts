import { sendJson } from "../support/http-server";
import type { FaultBoard } from "./faults";
import { parseValidE164 } from "./phone-number";
import type { RequestCounter } from "./request-counter";
import { readBodyOrRefuse } from "./request-body";
import { decodePathSegment } from "./request-target";
import type { RouteHandler } from "./route-handler";
import { hasTwilioCredentials, type TwilioCredentials } from "./twilio-auth";
import { sendTwilioAuthenticationError, sendTwilioMethodNotAllowed, sendTwilioNotFound, sendTwilioOutage } from "./twilio-errors";
import { lookupResponse } from "./lookup-response";

export interface LookupDependencies {
  readonly credentials: TwilioCredentials;
  readonly faults: FaultBoard;
  readonly counter: RequestCounter;
}

const PHONE_NUMBER_PATH = /^\/v2\/PhoneNumbers\/([^/]+)$/;

/** Twilio Lookup v2: `GET /v2/PhoneNumbers/{E.164}?Fields=line_type_intelligence`. */
export function lookupHandler(dependencies: LookupDependencies): RouteHandler {
  const { credentials, faults, counter } = dependencies;
  return async (request, response, target) => {
    counter.record("lookup");
    if ((await readBodyOrRefuse(request, response)) === null) return;
    if (!hasTwilioCredentials(request, credentials)) return sendTwilioAuthenticationError(response);
    const segment = PHONE_NUMBER_PATH.exec(target.path)?.[1];
    if (segment === undefined) return sendTwilioNotFound(response, target.path);
    if (request.method !== "GET") return sendTwilioMethodNotAllowed(response, "GET");

    const raw = decodePathSegment(segment);
    const mode = faults.modeFor("lookup", raw);
    switch (mode) {
      case "none":
      case "reject_number":
        break;
      case "error_5xx":
        return sendTwilioOutage(response);
      case "timeout":
        return; // Never answered: the client's own timeout has to fire, or the sandbox closes.
    }
    const fields = target.query.getAll("Fields").flatMap((value) => value.split(",").map((field) => field.trim()));
    sendJson(
      response,
      200,
      lookupResponse({
        raw,
        // Lookup's own way to refuse a number is to call it invalid.
        number: mode === "reject_number" ? undefined : parseValidE164(raw),
        withLineType: fields.includes("line_type_intelligence"),
        url: `http://${request.headers.host ?? "127.0.0.1"}/v2/PhoneNumbers/${encodeURIComponent(raw)}`,
      }),
    );
  };
}

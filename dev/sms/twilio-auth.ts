import type { IncomingMessage } from "node:http";
import { sameSecret } from "./secret-compare";

export interface TwilioCredentials {
  readonly accountSid: string;
  readonly authToken: string;
}

/** HTTP Basic with `AccountSid:AuthToken`, both compared in constant time. API keys (`SK…`) are not supported. */
export function hasTwilioCredentials(request: IncomingMessage, credentials: TwilioCredentials): boolean {
  const encoded = /^Basic ([A-Za-z0-9+/]+={0,2})$/i.exec(request.headers.authorization ?? "")?.[1];
  if (encoded === undefined) return false;
  const decoded = Buffer.from(encoded, "base64").toString("utf8");
  const separator = decoded.indexOf(":");
  if (separator === -1) return false;
  // Both halves are compared every time, so the timing does not tell which one was wrong.
  const sidMatches = sameSecret(decoded.slice(0, separator), credentials.accountSid);
  const tokenMatches = sameSecret(decoded.slice(separator + 1), credentials.authToken);
  return sidMatches && tokenMatches;
}

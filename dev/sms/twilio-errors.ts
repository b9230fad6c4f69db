import type { ServerResponse } from "node:http";
import { sendJson } from "../support/http-server";

/** Twilio's REST error body: `{code, message, more_info, status}`. */
export function sendTwilioError(response: ServerResponse, status: number, code: number, message: string, headers: Record<string, string> = {}): void {
  sendJson(response, status, { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status }, headers);
}

export function sendTwilioAuthenticationError(response: ServerResponse): void {
  sendTwilioError(response, 401, 20003, "Authenticate", { "www-authenticate": 'Basic realm="Twilio API"' });
}

export function sendTwilioNotFound(response: ServerResponse, path: string): void {
  sendTwilioError(response, 404, 20404, `The requested resource ${path} was not found`);
}

export function sendTwilioMethodNotAllowed(response: ServerResponse, allowed: string): void {
  sendTwilioError(response, 405, 20004, "Method not allowed", { allow: allowed });
}

export function sendTwilioOutage(response: ServerResponse): void {
  sendTwilioError(response, 503, 20500, "An internal server error has occurred");
}

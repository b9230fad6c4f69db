import { randomBytes } from "node:crypto";
import { countSegments } from "./sms-segments";

export const TWILIO_API_VERSION = "2010-04-01";

export interface TwilioMessage {
  readonly sid: string;
  readonly accountSid: string;
  readonly to: string;
  readonly from: string | null;
  readonly messagingServiceSid: string | null;
  readonly body: string;
  readonly createdAt: Date;
}

/** `SM` and 32 hex digits, like Twilio's message SIDs. */
export function newMessageSid(): string {
  return `SM${randomBytes(16).toString("hex")}`;
}

/** Twilio's Message resource: "queued" right after the create call, "delivered" when fetched later. */
export function twilioMessageResource(message: TwilioMessage, status: "queued" | "delivered"): Record<string, unknown> {
  const base = `/${TWILIO_API_VERSION}/Accounts/${message.accountSid}/Messages/${message.sid}`;
  const created = rfc2822(message.createdAt);
  return {
    account_sid: message.accountSid,
    api_version: TWILIO_API_VERSION,
    body: message.body,
    date_created: created,
    date_sent: status === "delivered" ? created : null,
    date_updated: created,
    direction: "outbound-api",
    error_code: null,
    error_message: null,
    from: message.from,
    messaging_service_sid: message.messagingServiceSid,
    num_media: "0",
    num_segments: String(countSegments(message.body)),
    price: null,
    price_unit: "USD",
    sid: message.sid,
    status,
    subresource_uris: { media: `${base}/Media.json` },
    to: message.to,
    uri: `${base}.json`,
  };
}

/** RFC 2822 as Twilio writes it: `Tue, 25 Nov 2025 12:29:00 +0000`. */
export function rfc2822(date: Date): string {
  return date.toUTCString().replace("GMT", "+0000");
}

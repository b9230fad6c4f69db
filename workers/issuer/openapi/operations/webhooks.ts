import { twilioReportSchema } from "../../routes/webhooks";
import type { Operation } from "../operation";

export const webhooksOperations: readonly Operation[] = [
  {
    method: "post",
    path: "/api/webhooks/twilio/status",
    tag: "webhooks",
    summary: "Twilio's delivery reports for sent codes",
    description:
      "Twilio calls this with the status of each message the issuer sent, signed with `X-Twilio-Signature` over this URL and every parameter. Parameters other than these are accepted unread (Twilio adds them without notice). Only for Twilio; nothing else should call it.",
    security: ["providerSignature"],
    form: twilioReportSchema,
    answers: { 204: { description: "Recorded (or acknowledged, for statuses that say nothing about reaching the handset)." } },
    errors: ["invalid_request"],
  },
];

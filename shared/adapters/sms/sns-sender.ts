import { AwsClient } from "aws4fetch";
import type { SmsAttemptResult, SmsSender } from "../../ports/sms-sender";
import { describeFetchError, SMS_PROVIDER_TIMEOUT_MS } from "./timeout";

export interface SnsConfig {
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly originationNumber: string | undefined;
  /** `https://sns.<region>.amazonaws.com` in production; the SMS sandbox locally. */
  readonly endpoint: string;
}

/** AWS SNS `Publish` to a phone number, signed with SigV4 by aws4fetch. */
export function snsSender(config: SnsConfig): SmsSender {
  // No retries inside the client: failing over to the next provider is our retry.
  const client = new AwsClient({ accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey, region: config.region, service: "sns", retries: 0 });
  return {
    provider: "sns",
    async send(message): Promise<SmsAttemptResult> {
      const params = new URLSearchParams({
        Action: "Publish",
        Version: "2010-03-31",
        PhoneNumber: message.to,
        Message: message.body,
        "MessageAttributes.entry.1.Name": "AWS.SNS.SMS.SMSType",
        "MessageAttributes.entry.1.Value.DataType": "String",
        "MessageAttributes.entry.1.Value.StringValue": "Transactional",
      });
      if (config.originationNumber) {
        params.set("MessageAttributes.entry.2.Name", "AWS.MM.SMS.OriginationNumber");
        params.set("MessageAttributes.entry.2.Value.DataType", "String");
        params.set("MessageAttributes.entry.2.Value.StringValue", config.originationNumber);
      }
      let response: Response;
      try {
        // Signed first, then sent with our own fetch: aws4fetch copies the request into a new
        // one, and a timeout signal passed through that copy can be lost (seen on Node 22).
        const signed = await client.sign(`${config.endpoint}/`, {
          method: "POST",
          headers: { "Content-Type": "application/x-www-form-urlencoded; charset=utf-8" },
          body: params.toString(),
        });
        response = await fetch(signed, { signal: AbortSignal.timeout(SMS_PROVIDER_TIMEOUT_MS) });
      } catch (error) {
        return { outcome: "transient_failure", provider: "sns", error: describeFetchError(error) };
      }
      const text = await response.text().catch(() => "");
      if (response.ok) {
        const messageId = /<MessageId>([^<]+)<\/MessageId>/.exec(text)?.[1];
        return messageId ? { outcome: "accepted", provider: "sns", messageId } : { outcome: "transient_failure", provider: "sns", error: "malformed_reply" };
      }
      const code = /<Code>([A-Za-z]+)<\/Code>/.exec(text)?.[1] ?? `http_${response.status}`;
      if (response.status === 400 && code === "InvalidParameter" && /PhoneNumber/.test(text)) {
        return { outcome: "permanent_failure", provider: "sns", error: "sns_invalid_phone" };
      }
      return { outcome: "transient_failure", provider: "sns", error: `sns_${code}` };
    },
  };
}

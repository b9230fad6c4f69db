import { AwsClient } from "aws4fetch";
import { snsSender } from "../../../shared/adapters/sms/sns-sender";
import { twilioSender } from "../../../shared/adapters/sms/twilio-sender";
import type { SmsSender } from "../../../shared/ports/sms-sender";
import type { SmsSandbox, SmsSandboxOptions } from "../../../dev/sms/server";

export const TWILIO = {
  accountSid: "AC0123456789abcdef0123456789abcdef",
  authToken: "twilio-test-auth-token-0123456789",
  messagingServiceSid: "MG0123456789abcdef0123456789abcdef",
} as const;

export const SNS = { accessKeyId: "AKIASANDBOXTEST01", secretAccessKey: "sandbox-test-secret-access-key-0123456789", region: "us-east-1" } as const;

/** Valid in libphonenumber's max metadata (+447700900123, Ofcom's drama range, is not). */
export const US_NUMBER = "+14155550123";
export const OTHER_US_NUMBER = "+14155550124";
export const INVALID_NUMBER = "+447700900123";

export const TURNSTILE_SECRET = "0x4AAAAAAASandboxTestSecret0123456789";

/** Status callbacks follow each other this fast in the suites, so a test waits for them, not for a clock. */
export const CALLBACK_DELAY_MS = 5;

export const EMAIL = { resendApiKey: "re_sandbox_test_key_0123456789", postmarkServerToken: "5f0c1f3e-postmark-sandbox-test-token", sesRegion: "eu-west-1" } as const;

export function sandboxOptions(inboxFile?: string, emailInboxFile?: string): SmsSandboxOptions {
  return {
    port: 0,
    twilio: { ...TWILIO },
    sns: { ...SNS },
    inboxFile,
    turnstile: { secretKey: TURNSTILE_SECRET },
    statusCallbackDelayMs: CALLBACK_DELAY_MS,
    email: { ...EMAIL },
    emailInboxFile,
  };
}

/** Our production senders, pointed at the sandbox exactly as the local stack points them. */
export function productionSenders(sandbox: SmsSandbox): { twilio: SmsSender; sns: SmsSender } {
  return {
    twilio: twilioSender({ ...TWILIO, apiBase: sandbox.url }),
    sns: snsSender({ ...SNS, originationNumber: undefined, endpoint: sandbox.url }),
  };
}

export function basicAuthorization(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
}

export function messagesUrl(sandbox: SmsSandbox, accountSid: string = TWILIO.accountSid): string {
  return `${sandbox.url}/2010-04-01/Accounts/${accountSid}/Messages.json`;
}

/** Posts a form to the Messages API with the right credentials unless told otherwise. */
export function postTwilioMessage(sandbox: SmsSandbox, form: Record<string, string>, authorization = basicAuthorization(TWILIO.accountSid, TWILIO.authToken)): Promise<Response> {
  return fetch(messagesUrl(sandbox), {
    method: "POST",
    headers: { authorization, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form),
  });
}

/** An aws4fetch client for SNS; the secret, key, region or service can be made wrong on purpose. */
export function snsClient(overrides: Partial<{ accessKeyId: string; secretAccessKey: string; region: string; service: string }> = {}): AwsClient {
  return new AwsClient({ ...SNS, service: "sns", retries: 0, ...overrides });
}

export function publishForm(to: string, message: string): string {
  return new URLSearchParams({ Action: "Publish", Version: "2010-03-31", PhoneNumber: to, Message: message }).toString();
}

export async function snsErrorCode(response: Response): Promise<string | undefined> {
  return /<Code>([^<]+)<\/Code>/.exec(await response.text())?.[1];
}

import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startSmsSandbox, type SmsSandbox } from "../../../dev/sms/server";
import { snsSender } from "../../../shared/adapters/sms/sns-sender";
import { INVALID_NUMBER, productionSenders, publishForm, sandboxOptions, SNS, snsClient, snsErrorCode, US_NUMBER } from "./sandbox-fixture";

const FORM = { "content-type": "application/x-www-form-urlencoded; charset=utf-8" };

let sandbox: SmsSandbox;

beforeAll(async () => {
  sandbox = await startSmsSandbox(sandboxOptions());
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.clear());

describe("SNS Publish driven by our production sender", () => {
  it("accepts a message and puts it in the inbox under the returned MessageId", async () => {
    const result = await productionSenders(sandbox).sns.send({ to: US_NUMBER, body: "Your code is 654321" });
    expect(result).toEqual({ outcome: "accepted", provider: "sns", messageId: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/) });
    expect(sandbox.messages(US_NUMBER)).toEqual([
      { id: result.outcome === "accepted" ? result.messageId : "", to: US_NUMBER, body: "Your code is 654321", provider: "sns", received_at: expect.any(String) },
    ]);
  });

  it("accepts the sender's origination number attribute", async () => {
    const sender = snsSender({ ...SNS, originationNumber: "+14155550100", endpoint: sandbox.url });
    expect((await sender.send({ to: US_NUMBER, body: "hi" })).outcome).toBe("accepted");
  });

  it("reports an invalid recipient as a permanent failure", async () => {
    expect(await productionSenders(sandbox).sns.send({ to: INVALID_NUMBER, body: "hi" })).toEqual({ outcome: "permanent_failure", provider: "sns", error: "sns_invalid_phone" });
    expect(sandbox.messages()).toEqual([]);
  });

  it("refuses a sender configured with the wrong secret", async () => {
    const sender = snsSender({ ...SNS, secretAccessKey: "not-the-secret", originationNumber: undefined, endpoint: sandbox.url });
    expect(await sender.send({ to: US_NUMBER, body: "hi" })).toEqual({ outcome: "transient_failure", provider: "sns", error: "sns_SignatureDoesNotMatch" });
    expect(sandbox.messages()).toEqual([]);
  });
});

describe("SNS Publish over aws4fetch and raw HTTP", () => {
  it("answers a PublishResponse with a MessageId and RequestId", async () => {
    const response = await snsClient().fetch(`${sandbox.url}/`, { method: "POST", headers: FORM, body: publishForm(US_NUMBER, "raw") });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/xml");
    const xml = await response.text();
    expect(xml).toMatch(/^<PublishResponse xmlns="http:\/\/sns\.amazonaws\.com\/doc\/2010-03-31\/">/);
    const messageId = /<PublishResult>\s*<MessageId>([0-9a-f-]{36})<\/MessageId>\s*<\/PublishResult>/.exec(xml)?.[1];
    const requestId = /<ResponseMetadata>\s*<RequestId>([0-9a-f-]{36})<\/RequestId>/.exec(xml)?.[1];
    expect(messageId).toBeDefined();
    expect(requestId).toBe(response.headers.get("x-amzn-requestid"));
    expect(sandbox.messages()[0]?.id).toBe(messageId);
  });

  it("refuses a request signed with the wrong secret (403 SignatureDoesNotMatch)", async () => {
    const response = await snsClient({ secretAccessKey: "wrong-secret" }).fetch(`${sandbox.url}/`, { method: "POST", headers: FORM, body: publishForm(US_NUMBER, "x") });
    expect(response.status).toBe(403);
    const xml = await response.text();
    expect(xml).toContain("<Type>Sender</Type>");
    expect(xml).toContain("<Code>SignatureDoesNotMatch</Code>");
    expect(sandbox.messages()).toEqual([]);
  });

  it("refuses an unknown access key (403 InvalidClientTokenId)", async () => {
    const response = await snsClient({ accessKeyId: "AKIAUNKNOWNKEY000" }).fetch(`${sandbox.url}/`, { method: "POST", headers: FORM, body: publishForm(US_NUMBER, "x") });
    expect(response.status).toBe(403);
    expect(await snsErrorCode(response)).toBe("InvalidClientTokenId");
  });

  it("refuses a body tampered with after signing (403 SignatureDoesNotMatch)", async () => {
    const signed = await snsClient().sign(`${sandbox.url}/`, { method: "POST", headers: FORM, body: publishForm(US_NUMBER, "the signed text") });
    const response = await fetch(signed.url, { method: "POST", headers: signed.headers, body: publishForm(US_NUMBER, "a swapped text") });
    expect(response.status).toBe(403);
    expect(await snsErrorCode(response)).toBe("SignatureDoesNotMatch");
    expect(sandbox.messages()).toEqual([]);
  });

  it("accepts the same signed request untampered (the tamper test's control)", async () => {
    const signed = await snsClient().sign(`${sandbox.url}/`, { method: "POST", headers: FORM, body: publishForm(US_NUMBER, "the signed text") });
    const response = await fetch(signed.url, { method: "POST", headers: signed.headers, body: publishForm(US_NUMBER, "the signed text") });
    expect(response.status).toBe(200);
  });

  it("refuses a signature dated more than 15 minutes away (403 RequestExpired)", async () => {
    const response = await snsClient().fetch(`${sandbox.url}/`, { method: "POST", headers: FORM, body: publishForm(US_NUMBER, "x"), aws: { datetime: "20200101T000000Z" } });
    expect(response.status).toBe(403);
    expect(await snsErrorCode(response)).toBe("RequestExpired");
  });

  it("refuses a credential scoped to another region or service (403 SignatureDoesNotMatch)", async () => {
    for (const overrides of [{ region: "eu-west-1" }, { service: "sqs" }]) {
      const response = await snsClient(overrides).fetch(`${sandbox.url}/`, { method: "POST", headers: FORM, body: publishForm(US_NUMBER, "x") });
      expect(response.status).toBe(403);
      expect(await snsErrorCode(response)).toBe("SignatureDoesNotMatch");
    }
  });

  it("refuses an unsigned request (403 MissingAuthenticationToken)", async () => {
    const response = await fetch(`${sandbox.url}/`, { method: "POST", headers: FORM, body: publishForm(US_NUMBER, "x") });
    expect(response.status).toBe(403);
    expect(await snsErrorCode(response)).toBe("MissingAuthenticationToken");
  });

  it("answers 400 InvalidParameter naming PhoneNumber for an invalid number", async () => {
    const response = await snsClient().fetch(`${sandbox.url}/`, { method: "POST", headers: FORM, body: publishForm(INVALID_NUMBER, "x") });
    expect(response.status).toBe(400);
    const xml = await response.text();
    expect(xml).toContain("<Code>InvalidParameter</Code>");
    expect(xml).toContain(`<Message>Invalid parameter: PhoneNumber Reason: ${INVALID_NUMBER} is not valid to publish to</Message>`);
  });

  it.each([
    ["another action", { Action: "Subscribe", PhoneNumber: US_NUMBER, Message: "x" }, "InvalidAction"],
    ["no action", { PhoneNumber: US_NUMBER, Message: "x" }, "MissingAction"],
    ["a topic instead of a phone number", { Action: "Publish", TopicArn: "arn:aws:sns:us-east-1:123456789012:t", Message: "x" }, "InvalidParameter"],
    ["an empty message", { Action: "Publish", PhoneNumber: US_NUMBER, Message: "" }, "InvalidParameter"],
    ["an unknown SMS type", { Action: "Publish", PhoneNumber: US_NUMBER, Message: "x", "MessageAttributes.entry.1.Name": "AWS.SNS.SMS.SMSType", "MessageAttributes.entry.1.Value.DataType": "String", "MessageAttributes.entry.1.Value.StringValue": "Urgent" }, "InvalidParameter"],
    ["an attribute without a value", { Action: "Publish", PhoneNumber: US_NUMBER, Message: "x", "MessageAttributes.entry.1.Name": "AWS.SNS.SMS.SenderID", "MessageAttributes.entry.1.Value.DataType": "String" }, "ParameterValueInvalid"],
  ])("answers 400 to %s", async (_, form, code) => {
    const response = await snsClient().fetch(`${sandbox.url}/`, { method: "POST", headers: FORM, body: new URLSearchParams(form).toString() });
    expect(response.status).toBe(400);
    expect(await snsErrorCode(response)).toBe(code);
    expect(sandbox.messages()).toEqual([]);
  });
});

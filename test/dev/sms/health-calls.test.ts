/**
 * The cheap authenticated calls the issuer's /health makes to each SMS provider: Twilio's
 * account fetch and SNS GetSMSAttributes, answered by the sandbox as the vendors answer them.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startSmsSandbox, type SmsSandbox } from "../../../dev/sms/server";
import { snsProbe } from "../../../shared/adapters/sms/sns-probe";
import { twilioProbe } from "../../../shared/adapters/sms/twilio-probe";
import { basicAuthorization, sandboxOptions, SNS, snsClient, snsErrorCode, TWILIO } from "./sandbox-fixture";

const FORM = { "content-type": "application/x-www-form-urlencoded; charset=utf-8" };
const GET_SMS_ATTRIBUTES = new URLSearchParams({ Action: "GetSMSAttributes", Version: "2010-03-31" }).toString();

let sandbox: SmsSandbox;

beforeAll(async () => {
  sandbox = await startSmsSandbox(sandboxOptions());
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.resetFaults());

describe("Twilio's account fetch", () => {
  const accountUrl = () => `${sandbox.url}/2010-04-01/Accounts/${TWILIO.accountSid}.json`;

  it("answers the account resource, active, to its own credentials", async () => {
    const response = await fetch(accountUrl(), { headers: { Authorization: basicAuthorization(TWILIO.accountSid, TWILIO.authToken) } });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ sid: TWILIO.accountSid, owner_account_sid: TWILIO.accountSid, status: "active", type: "Full", uri: `/2010-04-01/Accounts/${TWILIO.accountSid}.json` });
  });

  it("refuses a wrong auth token with 401 20003, and another account with 404 20404", async () => {
    const wrong = await fetch(accountUrl(), { headers: { Authorization: basicAuthorization(TWILIO.accountSid, "not-the-token") } });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ code: 20003 });
    const other = await fetch(`${sandbox.url}/2010-04-01/Accounts/AC${"0".repeat(32)}.json`, { headers: { Authorization: basicAuthorization(TWILIO.accountSid, TWILIO.authToken) } });
    expect(other.status).toBe(404);
    expect(await other.json()).toMatchObject({ code: 20404 });
  });

  it("is what our Twilio probe calls: up with the right token, down with a wrong one or during an outage", async () => {
    expect((await twilioProbe({ ...TWILIO, apiBase: sandbox.url }).check()).up).toBe(true);
    expect((await twilioProbe({ ...TWILIO, authToken: "not-the-token", apiBase: sandbox.url }).check()).up).toBe(false);
    sandbox.setFault("twilio", { mode: "error_5xx" });
    expect((await twilioProbe({ ...TWILIO, apiBase: sandbox.url }).check()).up).toBe(false);
  });
});

describe("SNS GetSMSAttributes", () => {
  it("answers a GetSMSAttributesResponse with the account's SMS attributes, signed requests only", async () => {
    const response = await snsClient().fetch(`${sandbox.url}/`, { method: "POST", headers: FORM, body: GET_SMS_ATTRIBUTES });
    expect(response.status).toBe(200);
    const xml = await response.text();
    expect(xml).toMatch(/^<GetSMSAttributesResponse xmlns="http:\/\/sns\.amazonaws\.com\/doc\/2010-03-31\/">/);
    expect(xml).toMatch(/<attributes>\s*<entry>\s*<key>DefaultSMSType<\/key>\s*<value>Transactional<\/value>\s*<\/entry>/);
    expect(/<RequestId>([0-9a-f-]{36})<\/RequestId>/.exec(xml)?.[1]).toBe(response.headers.get("x-amzn-requestid"));
    const wrong = await snsClient({ secretAccessKey: "wrong-secret" }).fetch(`${sandbox.url}/`, { method: "POST", headers: FORM, body: GET_SMS_ATTRIBUTES });
    expect(wrong.status).toBe(403);
    expect(await snsErrorCode(wrong)).toBe("SignatureDoesNotMatch");
  });

  it("returns only the attributes named by attributes.member.N", async () => {
    const body = new URLSearchParams({ Action: "GetSMSAttributes", "attributes.member.1": "MonthlySpendLimit" }).toString();
    const xml = await (await snsClient().fetch(`${sandbox.url}/`, { method: "POST", headers: FORM, body })).text();
    expect(xml).toContain("<key>MonthlySpendLimit</key>");
    expect(xml).not.toContain("DefaultSMSType");
  });

  it("is what our SNS probe calls: up with the right secret, down with a wrong one or during an outage", async () => {
    const config = { ...SNS, endpoint: sandbox.url };
    expect((await snsProbe(config).check()).up).toBe(true);
    expect((await snsProbe({ ...config, secretAccessKey: "wrong-secret" }).check()).up).toBe(false);
    sandbox.setFault("sns", { mode: "error_5xx" });
    expect((await snsProbe(config).check()).up).toBe(false);
  });

  it("sends nothing", async () => {
    sandbox.clear();
    await snsProbe({ ...SNS, endpoint: sandbox.url }).check();
    expect(sandbox.messages()).toEqual([]);
  });
});

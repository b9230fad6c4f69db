import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSmsSandbox, type SmsSandbox } from "../../../dev/sms/server";
import { basicAuthorization, INVALID_NUMBER, sandboxOptions, TWILIO } from "./sandbox-fixture";

let sandbox: SmsSandbox;

beforeAll(async () => {
  sandbox = await startSmsSandbox(sandboxOptions());
});
afterAll(() => sandbox.close());

function lookup(number: string, query = "?Fields=line_type_intelligence", authorization = basicAuthorization(TWILIO.accountSid, TWILIO.authToken)): Promise<Response> {
  return fetch(`${sandbox.url}/v2/PhoneNumbers/${encodeURIComponent(number)}${query}`, { headers: { authorization } });
}

describe("Twilio Lookup v2 line type intelligence", () => {
  it.each([
    ["+14155550190", "nonFixedVoip", "a +1 number ending 0190–0199"],
    ["+14155550199", "nonFixedVoip", "a +1 number ending 0190–0199"],
    ["+14155550185", "fixedVoip", "a +1 number ending 0180–0189"],
    ["+14155550123", "mobile", "any other +1 number"],
    ["+445612345678", "nonFixedVoip", "a UK VoIP-range number"],
    ["+447911123456", "mobile", "a UK mobile-range number"],
    ["+18005550100", "mobile", "a +1 toll-free number (the +1 rule wins)"],
    ["+33612345678", "mobile", "a French mobile"],
  ])("types %s as %s (%s)", async (number, type) => {
    const response = await lookup(number);
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({ phone_number: number, valid: true, validation_errors: [] });
    expect(body.line_type_intelligence).toMatchObject({ type, error_code: null, carrier_name: expect.any(String) });
  });

  it("answers Twilio's PhoneNumber resource for a valid number", async () => {
    const body = await (await lookup("+14155550123")).json();
    expect(body).toMatchObject({
      calling_country_code: "1",
      country_code: "US",
      phone_number: "+14155550123",
      national_format: "(415) 555-0123",
      valid: true,
      line_type_intelligence: { type: "mobile", mobile_country_code: "001", mobile_network_code: "01", error_code: null },
      caller_name: null,
    });
    expect(body.url).toBe(`${sandbox.url}/v2/PhoneNumbers/%2B14155550123`);
  });

  it("calls an invalid number invalid, without line type intelligence", async () => {
    const body = await (await lookup(INVALID_NUMBER)).json();
    expect(body).toMatchObject({ phone_number: INVALID_NUMBER, valid: false, validation_errors: ["INVALID_BUT_POSSIBLE"], national_format: null, line_type_intelligence: null });
    expect((await (await lookup("+1415555")).json()).validation_errors).toEqual(["TOO_SHORT"]);
  });

  it("leaves line type intelligence null when the field was not asked for", async () => {
    const body = await (await lookup("+14155550190", "")).json();
    expect(body).toMatchObject({ valid: true, line_type_intelligence: null });
  });

  it("refuses wrong credentials with 401 20003", async () => {
    const response = await lookup("+14155550123", "?Fields=line_type_intelligence", basicAuthorization(TWILIO.accountSid, "wrong"));
    expect(response.status).toBe(401);
    expect((await response.json()).code).toBe(20003);
  });
});

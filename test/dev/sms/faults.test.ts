import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startSmsSandbox, type SmsSandbox } from "../../../dev/sms/server";
import { SMS_PROVIDER_TIMEOUT_MS } from "../../../shared/adapters/sms/timeout";
import { whileCollectingGarbage } from "./garbage-collection";
import { basicAuthorization, messagesUrl, OTHER_US_NUMBER, postTwilioMessage, productionSenders, publishForm, sandboxOptions, snsClient, TWILIO, US_NUMBER } from "./sandbox-fixture";

let sandbox: SmsSandbox;

beforeAll(async () => {
  sandbox = await startSmsSandbox(sandboxOptions());
});
afterAll(() => sandbox.close());
afterEach(() => {
  sandbox.resetFaults();
  sandbox.clear();
});

function putFault(provider: string, body: string): Promise<Response> {
  return fetch(`${sandbox.url}/__sandbox/faults/${provider}`, { method: "PUT", headers: { "content-type": "application/json" }, body });
}

/** A sender still waiting at twice its own timeout has lost its timeout: say so instead of hanging the test. */
async function settledOrStuck<T>(work: Promise<T>): Promise<T | "still waiting at twice the sender's own timeout"> {
  let guard: NodeJS.Timeout | undefined;
  const stuck = new Promise<"still waiting at twice the sender's own timeout">((resolve) => {
    guard = setTimeout(() => resolve("still waiting at twice the sender's own timeout"), 2 * SMS_PROVIDER_TIMEOUT_MS);
  });
  try {
    return await Promise.race([work, stuck]);
  } finally {
    clearTimeout(guard);
  }
}

/** Resolves once `provider` has seen more requests than `before`: the held request has arrived. */
async function requestArrived(provider: "twilio" | "sns", before: number): Promise<void> {
  while (sandbox.requestCounts()[provider] <= before) await new Promise((resolve) => setImmediate(resolve));
}

describe("fault modes as our production senders see them", () => {
  it("error_5xx: both providers answer 503 and the senders fail over (transient)", async () => {
    sandbox.setFault("twilio", { mode: "error_5xx" });
    sandbox.setFault("sns", { mode: "error_5xx" });
    const senders = productionSenders(sandbox);
    expect(await senders.twilio.send({ to: US_NUMBER, body: "x" })).toEqual({ outcome: "transient_failure", provider: "twilio", error: "twilio_20500" });
    expect(await senders.sns.send({ to: US_NUMBER, body: "x" })).toEqual({ outcome: "transient_failure", provider: "sns", error: "sns_InternalError" });
    expect(sandbox.messages()).toEqual([]);
  });

  it("error_5xx: Twilio's error JSON and SNS's Receiver fault, both 503", async () => {
    sandbox.setFault("twilio", { mode: "error_5xx" });
    const twilio = await postTwilioMessage(sandbox, { To: US_NUMBER, MessagingServiceSid: TWILIO.messagingServiceSid, Body: "x" });
    expect(twilio.status).toBe(503);
    expect(await twilio.json()).toEqual({ code: 20500, message: "An internal server error has occurred", more_info: "https://www.twilio.com/docs/errors/20500", status: 503 });
    sandbox.setFault("sns", { mode: "error_5xx" });
    const sns = await snsClient().fetch(`${sandbox.url}/`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: publishForm(US_NUMBER, "x") });
    expect(sns.status).toBe(503);
    const xml = await sns.text();
    expect(xml).toContain("<Type>Receiver</Type>");
    expect(xml).toContain("<Code>InternalError</Code>");
  });

  it("timeout: Twilio never answers and the sender gives up after its own timeout, garbage collection or not", async () => {
    sandbox.setFault("twilio", { mode: "timeout" });
    const result = await settledOrStuck(whileCollectingGarbage(productionSenders(sandbox).twilio.send({ to: US_NUMBER, body: "x" })));
    expect(result).toEqual({ outcome: "transient_failure", provider: "twilio", error: "timeout" });
    expect(sandbox.messages()).toEqual([]);
  });

  it("timeout: SNS never answers and the sender gives up after its own timeout, garbage collection or not", async () => {
    sandbox.setFault("sns", { mode: "timeout" });
    const result = await settledOrStuck(whileCollectingGarbage(productionSenders(sandbox).sns.send({ to: US_NUMBER, body: "x" })));
    expect(result).toEqual({ outcome: "transient_failure", provider: "sns", error: "timeout" });
    expect(sandbox.messages()).toEqual([]);
  });

  it("timeout: SNS holds a correctly signed request open until the client aborts", async () => {
    sandbox.setFault("sns", { mode: "timeout" });
    const before = sandbox.requestCounts().sns;
    const controller = new AbortController();
    const signed = await snsClient().sign(`${sandbox.url}/`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: publishForm(US_NUMBER, "x") });
    const pending = fetch(signed, { signal: controller.signal });
    await requestArrived("sns", before);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: "AbortError" });
    expect(sandbox.messages()).toEqual([]);
  });

  it("reject_number: both providers refuse the number permanently", async () => {
    sandbox.setFault("twilio", { mode: "reject_number" });
    sandbox.setFault("sns", { mode: "reject_number" });
    const senders = productionSenders(sandbox);
    expect(await senders.twilio.send({ to: US_NUMBER, body: "x" })).toEqual({ outcome: "permanent_failure", provider: "twilio", error: "twilio_21211" });
    expect(await senders.sns.send({ to: US_NUMBER, body: "x" })).toEqual({ outcome: "permanent_failure", provider: "sns", error: "sns_invalid_phone" });
    expect(sandbox.messages()).toEqual([]);
  });

  it("a fault restricted to some numbers leaves the others alone", async () => {
    sandbox.setFault("twilio", { mode: "error_5xx", numbers: [US_NUMBER] });
    sandbox.setFault("sns", { mode: "reject_number", numbers: [US_NUMBER] });
    const senders = productionSenders(sandbox);
    expect((await senders.twilio.send({ to: US_NUMBER, body: "x" })).outcome).toBe("transient_failure");
    expect((await senders.twilio.send({ to: OTHER_US_NUMBER, body: "x" })).outcome).toBe("accepted");
    expect((await senders.sns.send({ to: US_NUMBER, body: "x" })).outcome).toBe("permanent_failure");
    expect((await senders.sns.send({ to: OTHER_US_NUMBER, body: "x" })).outcome).toBe("accepted");
    expect(sandbox.messages().map((message) => message.to)).toEqual([OTHER_US_NUMBER, OTHER_US_NUMBER]);
  });

  it("faults for different numbers add up, and clearing one number leaves the others", async () => {
    sandbox.setFault("twilio", { mode: "error_5xx", numbers: [US_NUMBER] });
    sandbox.setFault("twilio", { mode: "reject_number", numbers: [OTHER_US_NUMBER] });
    const { twilio } = productionSenders(sandbox);
    expect((await twilio.send({ to: US_NUMBER, body: "x" })).outcome).toBe("transient_failure");
    expect((await twilio.send({ to: OTHER_US_NUMBER, body: "x" })).outcome).toBe("permanent_failure");
    sandbox.setFault("twilio", { mode: "none", numbers: [US_NUMBER] });
    expect((await twilio.send({ to: US_NUMBER, body: "x" })).outcome).toBe("accepted");
    expect((await twilio.send({ to: OTHER_US_NUMBER, body: "x" })).outcome).toBe("permanent_failure");
    const shown = (await (await fetch(`${sandbox.url}/__sandbox/faults`)).json()) as { faults: { twilio: unknown } };
    expect(shown.faults.twilio).toEqual({ mode: "none", numbers: { [OTHER_US_NUMBER]: "reject_number" } });
  });

  it("a provider-wide fault yields to a number's own, and mode none without numbers clears them all", async () => {
    sandbox.setFault("twilio", { mode: "error_5xx" });
    sandbox.setFault("twilio", { mode: "reject_number", numbers: [OTHER_US_NUMBER] });
    const { twilio } = productionSenders(sandbox);
    expect((await twilio.send({ to: US_NUMBER, body: "x" })).outcome).toBe("transient_failure");
    expect((await twilio.send({ to: OTHER_US_NUMBER, body: "x" })).outcome).toBe("permanent_failure");
    sandbox.setFault("twilio", { mode: "none" });
    expect((await twilio.send({ to: OTHER_US_NUMBER, body: "x" })).outcome).toBe("accepted");
  });

  it("a fault on one provider leaves the other alone", async () => {
    sandbox.setFault("twilio", { mode: "error_5xx" });
    expect((await productionSenders(sandbox).sns.send({ to: US_NUMBER, body: "x" })).outcome).toBe("accepted");
  });

  it("mode none and resetFaults restore normal service", async () => {
    const senders = productionSenders(sandbox);
    sandbox.setFault("twilio", { mode: "error_5xx" });
    sandbox.setFault("twilio", { mode: "none" });
    expect((await senders.twilio.send({ to: US_NUMBER, body: "x" })).outcome).toBe("accepted");
    sandbox.setFault("sns", { mode: "error_5xx" });
    sandbox.resetFaults();
    expect((await senders.sns.send({ to: US_NUMBER, body: "x" })).outcome).toBe("accepted");
  });

  it("a held request is dropped when the sandbox closes", async () => {
    const held = await startSmsSandbox(sandboxOptions());
    held.setFault("twilio", { mode: "timeout" });
    const pending = postTwilioMessage(held, { To: US_NUMBER, MessagingServiceSid: TWILIO.messagingServiceSid, Body: "x" });
    while (held.requestCounts().twilio === 0) await new Promise((resolve) => setImmediate(resolve));
    await held.close();
    await expect(pending).rejects.toThrow();
  });
});

describe("lookup faults", () => {
  const lookup = (number: string) =>
    fetch(`${sandbox.url}/v2/PhoneNumbers/${encodeURIComponent(number)}?Fields=line_type_intelligence`, {
      headers: { authorization: basicAuthorization(TWILIO.accountSid, TWILIO.authToken) },
    });

  it("error_5xx answers 503 20500", async () => {
    sandbox.setFault("lookup", { mode: "error_5xx" });
    const response = await lookup(US_NUMBER);
    expect(response.status).toBe(503);
    expect((await response.json()).code).toBe(20500);
  });

  it("reject_number calls a valid number invalid, only for the listed numbers", async () => {
    sandbox.setFault("lookup", { mode: "reject_number", numbers: [US_NUMBER] });
    expect(await (await lookup(US_NUMBER)).json()).toMatchObject({ valid: false, line_type_intelligence: null });
    expect(await (await lookup(OTHER_US_NUMBER)).json()).toMatchObject({ valid: true, line_type_intelligence: { type: "mobile" } });
  });
});

describe("fault control over HTTP", () => {
  it("PUT sets a fault that the provider then plays, and answers the current faults", async () => {
    const response = await putFault("sns", JSON.stringify({ mode: "reject_number", numbers: [US_NUMBER] }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ faults: { twilio: { mode: "none" }, sns: { mode: "none", numbers: { [US_NUMBER]: "reject_number" } }, lookup: { mode: "none" } } });
    expect((await productionSenders(sandbox).sns.send({ to: US_NUMBER, body: "x" })).outcome).toBe("permanent_failure");
  });

  it("DELETE /__sandbox/faults resets every provider", async () => {
    await putFault("twilio", JSON.stringify({ mode: "error_5xx" }));
    await putFault("lookup", JSON.stringify({ mode: "timeout" }));
    const response = await fetch(`${sandbox.url}/__sandbox/faults`, { method: "DELETE" });
    expect(response.status).toBe(204);
    expect(await (await fetch(`${sandbox.url}/__sandbox/faults`)).json()).toEqual({ faults: { twilio: { mode: "none" }, sns: { mode: "none" }, lookup: { mode: "none" } } });
    expect((await productionSenders(sandbox).twilio.send({ to: US_NUMBER, body: "x" })).outcome).toBe("accepted");
  });

  it.each([
    ["an unknown provider", "vonage", JSON.stringify({ mode: "error_5xx" })],
    ["malformed JSON", "twilio", "{mode:"],
    ["an unknown mode", "twilio", JSON.stringify({ mode: "explode" })],
    ["an unknown field", "twilio", JSON.stringify({ mode: "error_5xx", delay: 5 })],
    ["numbers that are not E.164", "twilio", JSON.stringify({ mode: "error_5xx", numbers: ["4155550123"] })],
    ["an empty numbers list", "twilio", JSON.stringify({ mode: "error_5xx", numbers: [] })],
  ])("refuses %s with 400 and changes nothing", async (_, provider, body) => {
    const response = await putFault(provider, body);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: expect.any(String) });
    expect((await productionSenders(sandbox).twilio.send({ to: US_NUMBER, body: "x" })).outcome).toBe("accepted");
  });

  it("refuses a malformed fault set programmatically", () => {
    expect(() => sandbox.setFault("twilio", { mode: "explode" as "none" })).toThrow();
  });
});

describe("request counts", () => {
  it("count every request that reached a provider, accepted or refused, over HTTP and programmatically", async () => {
    const before = sandbox.requestCounts();
    const senders = productionSenders(sandbox);
    await senders.twilio.send({ to: US_NUMBER, body: "accepted" });
    await postTwilioMessage(sandbox, { To: US_NUMBER, Body: "x" }, basicAuthorization(TWILIO.accountSid, "wrong"));
    await senders.sns.send({ to: "+1", body: "refused" });
    await fetch(`${sandbox.url}/v2/PhoneNumbers/${encodeURIComponent(US_NUMBER)}`);
    await fetch(`${sandbox.url}/messages`);
    const after = sandbox.requestCounts();
    expect(after).toEqual({ twilio: before.twilio + 2, sns: before.sns + 1, lookup: before.lookup + 1 });
    expect(await (await fetch(`${sandbox.url}/__sandbox/stats`)).json()).toEqual({ requests: after });
  });

  it("count a request the sandbox holds open", async () => {
    sandbox.setFault("twilio", { mode: "timeout" });
    const before = sandbox.requestCounts().twilio;
    const controller = new AbortController();
    const pending = fetch(messagesUrl(sandbox), {
      method: "POST",
      headers: { authorization: basicAuthorization(TWILIO.accountSid, TWILIO.authToken) },
      body: new URLSearchParams({ To: US_NUMBER, MessagingServiceSid: TWILIO.messagingServiceSid, Body: "held" }),
      signal: controller.signal,
    });
    await requestArrived("twilio", before);
    expect(sandbox.requestCounts().twilio).toBe(before + 1);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: "AbortError" });
  });
});

import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startSmsSandbox, type SmsSandbox } from "../../../dev/sms/server";
import { basicAuthorization, OTHER_US_NUMBER, postTwilioMessage, productionSenders, sandboxOptions, TWILIO, US_NUMBER } from "./sandbox-fixture";

const UK_MOBILE = "+447911123456";

describe("the inbox over HTTP", () => {
  let sandbox: SmsSandbox;

  beforeAll(async () => {
    sandbox = await startSmsSandbox(sandboxOptions());
  });
  afterAll(() => sandbox.close());
  beforeEach(() => sandbox.clear());

  async function inbox(query = ""): Promise<{ messages: { id: string; to: string; body: string; provider: string; received_at: string }[] }> {
    const response = await fetch(`${sandbox.url}/messages${query}`);
    expect(response.status).toBe(200);
    return response.json();
  }

  it("lists messages from both providers, newest first, in the documented shape", async () => {
    const senders = productionSenders(sandbox);
    await senders.twilio.send({ to: US_NUMBER, body: "first" });
    await senders.sns.send({ to: UK_MOBILE, body: "second" });
    await senders.twilio.send({ to: US_NUMBER, body: "third" });
    const { messages } = await inbox();
    expect(messages.map(({ body, provider, to }) => ({ body, provider, to }))).toEqual([
      { body: "third", provider: "twilio", to: US_NUMBER },
      { body: "second", provider: "sns", to: UK_MOBILE },
      { body: "first", provider: "twilio", to: US_NUMBER },
    ]);
    for (const message of messages) expect(Object.keys(message).sort()).toEqual(["body", "id", "provider", "received_at", "to"]);
    expect(messages).toEqual(sandbox.messages());
  });

  it("filters by recipient, with the + encoded or typed as is", async () => {
    const senders = productionSenders(sandbox);
    await senders.twilio.send({ to: US_NUMBER, body: "for US" });
    await senders.sns.send({ to: UK_MOBILE, body: "for UK" });
    expect((await inbox(`?to=${encodeURIComponent(UK_MOBILE)}`)).messages.map((message) => message.body)).toEqual(["for UK"]);
    expect((await inbox(`?to=${US_NUMBER}`)).messages.map((message) => message.body)).toEqual(["for US"]);
    expect((await inbox(`?to=${encodeURIComponent(OTHER_US_NUMBER)}`)).messages).toEqual([]);
    expect(sandbox.messages(UK_MOBILE).map((message) => message.body)).toEqual(["for UK"]);
  });

  it("refuses a recipient filter that is not E.164 with 400", async () => {
    const response = await fetch(`${sandbox.url}/messages?to=4155550123`);
    expect(response.status).toBe(400);
  });

  it("answers only the newest 100 messages", async () => {
    for (let index = 0; index < 101; index++) {
      const response = await postTwilioMessage(sandbox, { To: US_NUMBER, MessagingServiceSid: TWILIO.messagingServiceSid, Body: `message ${index}` });
      expect(response.status).toBe(201);
    }
    const { messages } = await inbox();
    expect(messages).toHaveLength(100);
    expect(messages[0]?.body).toBe("message 100");
    expect(messages[99]?.body).toBe("message 1");
    expect(sandbox.messages()).toHaveLength(101);
  });

  it("DELETE /messages?to= clears one recipient's messages and DELETE /messages all of them", async () => {
    const senders = productionSenders(sandbox);
    await senders.twilio.send({ to: US_NUMBER, body: "for US" });
    await senders.sns.send({ to: UK_MOBILE, body: "for UK" });
    const one = await fetch(`${sandbox.url}/messages?to=${encodeURIComponent(US_NUMBER)}`, { method: "DELETE" });
    expect(one.status).toBe(204);
    expect((await inbox()).messages.map((message) => message.to)).toEqual([UK_MOBILE]);
    const all = await fetch(`${sandbox.url}/messages`, { method: "DELETE" });
    expect(all.status).toBe(204);
    expect((await inbox()).messages).toEqual([]);
  });

  it("answers 404 JSON to an unknown path and 405 to an unsupported method", async () => {
    const unknown = await fetch(`${sandbox.url}/nowhere`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: "not found" });
    const wrongMethod = await fetch(`${sandbox.url}/messages`, { method: "POST" });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get("allow")).toBe("GET, DELETE");
  });

  it("answers 413 to a control request over 1 MiB", async () => {
    const response = await fetch(`${sandbox.url}/__sandbox/faults/twilio`, { method: "PUT", body: "x".repeat(1024 * 1024 + 1) });
    expect(response.status).toBe(413);
  });
});

describe("the inbox file", () => {
  const directory = mkdtempSync(join(tmpdir(), "sms-inbox-"));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it("keeps the inbox across a restart, and a sent message stays fetchable from Twilio", async () => {
    const file = join(directory, "restart", "sms-inbox.json");
    const first = await startSmsSandbox(sandboxOptions(file));
    const senders = productionSenders(first);
    const sent = await senders.twilio.send({ to: US_NUMBER, body: "before restart" });
    await senders.sns.send({ to: UK_MOBILE, body: "also before restart" });
    const before = first.messages();
    await first.close();

    const second = await startSmsSandbox(sandboxOptions(file));
    try {
      expect(second.messages()).toEqual(before);
      expect(second.messages().map((message) => message.body)).toEqual(["also before restart", "before restart"]);
      const sid = sent.outcome === "accepted" ? sent.messageId : "";
      const fetched = await fetch(`${second.url}/2010-04-01/Accounts/${TWILIO.accountSid}/Messages/${sid}.json`, {
        headers: { authorization: basicAuthorization(TWILIO.accountSid, TWILIO.authToken) },
      });
      expect(await fetched.json()).toMatchObject({ sid, status: "delivered", body: "before restart" });
    } finally {
      await second.close();
    }
  });

  it("writes the file whole, leaving no temporary files behind", async () => {
    const file = join(directory, "atomic", "sms-inbox.json");
    const sandbox = await startSmsSandbox(sandboxOptions(file));
    await Promise.all(Array.from({ length: 20 }, (_, index) => productionSenders(sandbox).twilio.send({ to: US_NUMBER, body: `concurrent ${index}` })));
    await sandbox.close();
    expect(readdirSync(join(directory, "atomic"))).toEqual(["sms-inbox.json"]);
    const saved = JSON.parse(readFileSync(file, "utf8"));
    expect(saved.entries).toHaveLength(20);
  });

  it("keeps a clear across a restart", async () => {
    const file = join(directory, "clear", "sms-inbox.json");
    const first = await startSmsSandbox(sandboxOptions(file));
    await productionSenders(first).twilio.send({ to: US_NUMBER, body: "soon gone" });
    first.clear();
    await first.close();
    const second = await startSmsSandbox(sandboxOptions(file));
    expect(second.messages()).toEqual([]);
    await second.close();
  });

  it("refuses to start on a file that is not an inbox, rather than overwrite it", async () => {
    const file = join(directory, "not-an-inbox.json");
    writeFileSync(file, '{"something": "else"}');
    await expect(startSmsSandbox(sandboxOptions(file))).rejects.toThrow("is not an SMS sandbox inbox file");
    expect(readFileSync(file, "utf8")).toBe('{"something": "else"}');
  });
});

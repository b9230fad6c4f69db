import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listen, type RunningServer } from "../../../dev/support/http-server";
import { postmarkSender } from "../../../shared/adapters/email/postmark-sender";
import { UNREADABLE_MESSAGE_ID } from "../../../shared/adapters/email/provider-call";
import { resendSender } from "../../../shared/adapters/email/resend-sender";
import { sesSender } from "../../../shared/adapters/email/ses-sender";
import type { MailSender } from "../../../shared/ports/mailer";
import { sendEmailWithFailover } from "../../../workers/issuer/services/email-delivery";
import { message } from "./email-fixture";
import { SNS } from "./sandbox-fixture";

/** A provider that answers whatever the path asks for: `/2xx-text/...` → 202 with a non-JSON body, `/502-html/...` → a proxy's HTML error page. */
let oddProvider: RunningServer;
let requests = 0;

beforeAll(async () => {
  oddProvider = await listen(
    (request, response) => {
      requests += 1;
      request.resume();
      if (request.url?.startsWith("/2xx-echo/")) {
        const echoed = `${"x".repeat(200)} ada@example.org`;
        response.writeHead(200, { "content-type": "application/json" });
        response.end(JSON.stringify({ id: echoed, MessageID: echoed, MessageId: echoed }));
        return;
      }
      if (request.url?.startsWith("/400-echo/")) {
        response.writeHead(400, { "content-type": "application/json" });
        response.end(JSON.stringify({ statusCode: 400, name: "Invalid `to`: ada@example.org" }));
        return;
      }
      if (request.url?.startsWith("/2xx-text/")) {
        response.writeHead(202, { "content-type": "text/plain" });
        response.end("queued");
        return;
      }
      response.writeHead(502, { "content-type": "text/html" });
      response.end("<html><body>Bad gateway</body></html>");
    },
    { port: 0 },
  );
});
afterAll(() => oddProvider.close());

function senders(base: string): MailSender[] {
  return [
    resendSender({ apiKey: "re_key", apiBase: base }),
    postmarkSender({ serverToken: "token", apiBase: base }),
    sesSender({ ...SNS, endpoint: base }),
  ];
}

describe("answers that do not follow the provider's documented shape", () => {
  it.each(["resend", "postmark", "ses"])("%s: a 2xx with an unreadable body is still accepted, so the message is not sent again elsewhere", async (name) => {
    const sender = senders(`${oddProvider.url}/2xx-text`).find((candidate) => candidate.provider === name);
    expect(await sender?.send(message())).toEqual({ outcome: "accepted", provider: name, messageId: UNREADABLE_MESSAGE_ID });
  });

  it("stops failover at a 2xx with an unreadable body: the next provider gets no request (no duplicate mail)", async () => {
    const before = requests;
    const [first, second] = senders(`${oddProvider.url}/2xx-text`);
    const [, another] = senders(`${oddProvider.url}/502-html`);
    const report = await sendEmailWithFailover([first, another, second].filter((sender): sender is MailSender => sender !== undefined), message());
    expect(report.attempts).toHaveLength(1);
    expect(requests - before).toBe(1);
  });

  it.each(["resend", "postmark", "ses"])("%s: a 502 page from a proxy is a transient failure named by its status", async (name) => {
    const sender = senders(`${oddProvider.url}/502-html`).find((candidate) => candidate.provider === name);
    expect(await sender?.send(message())).toEqual({ outcome: "transient_failure", provider: name, error: `${name}_http_502` });
  });

  it.each(["resend", "postmark", "ses"])("%s: a message id that is not a short token (an echoed address, a huge string) is not kept, so it cannot reach logs or audit rows", async (name) => {
    const sender = senders(`${oddProvider.url}/2xx-echo`).find((candidate) => candidate.provider === name);
    expect(await sender?.send(message())).toEqual({ outcome: "accepted", provider: name, messageId: UNREADABLE_MESSAGE_ID });
  });

  it("resend: an error name that is not one of Resend's names (an echoed address) is replaced by the status", async () => {
    const [resend] = senders(`${oddProvider.url}/400-echo`);
    expect(await resend?.send(message())).toEqual({ outcome: "permanent_failure", provider: "resend", error: "resend_http_400" });
  });

  it("a provider that cannot be reached at all is a transient network error", async () => {
    const [resend] = senders("http://127.0.0.1:9");
    expect(await resend?.send(message())).toEqual({ outcome: "transient_failure", provider: "resend", error: "network_error" });
  });
});

import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startSmsSandbox, type SmsSandbox } from "../../../dev/sms/server";
import { message, productionMailSenders, TO } from "./email-fixture";
import { sandboxOptions } from "./sandbox-fixture";

let sandbox: SmsSandbox;

beforeAll(async () => {
  sandbox = await startSmsSandbox(sandboxOptions());
});
afterAll(() => sandbox.close());
beforeEach(() => {
  sandbox.clearEmails();
  sandbox.resetFaults();
});

describe("the email inbox over HTTP", () => {
  it("lists the contract's fields, newest first, for one address in any case", async () => {
    const senders = productionMailSenders(sandbox);
    await senders.resend.send(message({ subject: "first" }));
    await senders.postmark.send(message({ subject: "second" }));
    await senders.ses.send(message({ to: "grace@example.org", subject: "other" }));
    const response = await fetch(`${sandbox.url}/emails?to=ADA@example.org`);
    expect(response.status).toBe(200);
    const { emails } = (await response.json()) as { emails: Array<Record<string, unknown>> };
    expect(emails.map((email) => [email.subject, email.provider])).toEqual([
      ["second", "postmark"],
      ["first", "resend"],
    ]);
    expect(Object.keys(emails[0] ?? {}).sort()).toEqual(["from", "html", "id", "provider", "received_at", "subject", "text", "to"]);
  });

  it("lists every address's emails without `to`", async () => {
    await productionMailSenders(sandbox).resend.send(message());
    await productionMailSenders(sandbox).resend.send(message({ to: "grace@example.org" }));
    const { emails } = (await (await fetch(`${sandbox.url}/emails`)).json()) as { emails: unknown[] };
    expect(emails).toHaveLength(2);
  });

  it("reads a plus-tagged address typed without encoding the +", async () => {
    await productionMailSenders(sandbox).resend.send(message({ to: "ada+signin@example.org" }));
    const { emails } = (await (await fetch(`${sandbox.url}/emails?to=ada+signin@example.org`)).json()) as { emails: Array<{ to: string }> };
    expect(emails.map((email) => email.to)).toEqual(["ada+signin@example.org"]);
  });

  it("refuses a `to` that is not an address (400)", async () => {
    const response = await fetch(`${sandbox.url}/emails?to=${encodeURIComponent("ada@example.org,eve@evil.example")}`);
    expect(response.status).toBe(400);
  });

  it("clears one address's emails with DELETE ?to=, and only those", async () => {
    await productionMailSenders(sandbox).resend.send(message());
    await productionMailSenders(sandbox).resend.send(message({ to: "grace@example.org" }));
    expect((await fetch(`${sandbox.url}/emails?to=${TO}`, { method: "DELETE" })).status).toBe(204);
    expect(sandbox.emails().map((email) => email.to)).toEqual(["grace@example.org"]);
  });

  it("refuses other methods than GET, DELETE and Resend's POST (405)", async () => {
    const response = await fetch(`${sandbox.url}/emails`, { method: "PUT" });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET, DELETE");
  });
});

describe("email faults over HTTP", () => {
  it("sets a per-address fault and shows it, and clears it", async () => {
    const set = await fetch(`${sandbox.url}/__sandbox/email-faults/postmark`, { method: "PUT", body: JSON.stringify({ mode: "error_5xx", addresses: [TO] }) });
    expect(set.status).toBe(200);
    expect(await set.json()).toMatchObject({ faults: { postmark: { mode: "none", addresses: { [TO]: "error_5xx" } }, resend: { mode: "none" } } });
    expect((await productionMailSenders(sandbox).postmark.send(message())).outcome).toBe("transient_failure");
    expect((await fetch(`${sandbox.url}/__sandbox/email-faults`, { method: "DELETE" })).status).toBe(204);
    expect((await productionMailSenders(sandbox).postmark.send(message())).outcome).toBe("accepted");
  });

  it.each([
    ["an unknown provider", "sendgrid", { mode: "error_5xx" }],
    ["an unknown mode", "resend", { mode: "explode" }],
    ["an address that is not one", "resend", { mode: "error_5xx", addresses: ["ada"] }],
    ["reject_address for the range API, which has no recipient", "range", { mode: "reject_address" }],
  ])("refuses %s (400)", async (_case, target, fault) => {
    const response = await fetch(`${sandbox.url}/__sandbox/email-faults/${target}`, { method: "PUT", body: JSON.stringify(fault) });
    expect(response.status).toBe(400);
  });
});

describe("the email inbox file", () => {
  it("survives a restart", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "email-inbox-")), "email-inbox.json");
    const first = await startSmsSandbox(sandboxOptions(undefined, file));
    await productionMailSenders(first).ses.send(message({ subject: "kept" }));
    await first.close();
    expect(JSON.parse(readFileSync(file, "utf8"))).toMatchObject({ version: 1, emails: [{ subject: "kept", provider: "ses" }] });
    const second = await startSmsSandbox(sandboxOptions(undefined, file));
    try {
      expect(second.emails(TO).map((email) => email.subject)).toEqual(["kept"]);
    } finally {
      await second.close();
    }
  });

  it("refuses to start over a file that is not an email inbox rather than overwrite it", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "email-inbox-")), "email-inbox.json");
    writeFileSync(file, JSON.stringify({ version: 1, entries: [] }));
    await expect(startSmsSandbox(sandboxOptions(undefined, file))).rejects.toThrow("is not an email sandbox inbox file");
  });
});

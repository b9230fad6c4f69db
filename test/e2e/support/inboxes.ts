/**
 * The sandbox's SMS and email inboxes (dev/sms/README.md: `GET /messages?to=`, `GET /emails?to=`),
 * read the way a person reads their phone or mailbox. Messages arrive a little after the request
 * that sent them, so the readers wait for one that matches.
 */
import { codeInSms } from "../../support/test-identities";
import { e2eStack } from "./e2e-context";

export interface SandboxSms {
  readonly id: string;
  readonly to: string;
  readonly body: string;
  readonly received_at: string;
}

export interface SandboxEmail {
  readonly id: string;
  readonly to: string;
  readonly from: string;
  readonly subject: string;
  readonly text: string | null;
  readonly html: string | null;
  readonly received_at: string;
}

/** How long a reader waits for a message before it fails: generous, never a performance bound. */
const ARRIVAL_DEADLINE_MS = 30_000;

export async function smsMessages(to: string): Promise<SandboxSms[]> {
  const body = await sandbox<{ messages: SandboxSms[] }>(`/messages?to=${encodeURIComponent(to)}`);
  return body.messages;
}

export async function emails(to: string): Promise<SandboxEmail[]> {
  const body = await sandbox<{ emails: SandboxEmail[] }>(`/emails?to=${encodeURIComponent(to)}`);
  return body.emails;
}

/** The code in the newest SMS to `phone` not listed in `seen` (ids), waiting for it to arrive. */
export async function nextSmsCode(phone: string, seen: ReadonlySet<string> = new Set()): Promise<string> {
  const message = await waitFor(async () => (await smsMessages(phone)).find((sms) => !seen.has(sms.id) && codeInSms(sms.body) !== null), `an SMS code to ${phone}`);
  return codeInSms(message.body) as string;
}

/** The six-digit code in the newest email to `address` not listed in `seen` (ids). */
export async function nextEmailCode(address: string, seen: ReadonlySet<string> = new Set()): Promise<string> {
  const code = (email: SandboxEmail) => /\b(\d{6})\b/.exec(email.text ?? "")?.[1];
  const email = await waitFor(async () => (await emails(address)).find((mail) => !seen.has(mail.id) && code(mail) !== undefined), `an email code to ${address}`);
  return code(email) as string;
}

/** The first link in the newest email to `address` not listed in `seen` whose URL matches `pattern`. */
export async function nextEmailLink(address: string, pattern: RegExp, seen: ReadonlySet<string> = new Set()): Promise<URL> {
  const link = (email: SandboxEmail) => (email.text ?? "").match(/https?:\/\/\S+/g)?.find((url) => pattern.test(url));
  const email = await waitFor(async () => (await emails(address)).find((mail) => !seen.has(mail.id) && link(mail) !== undefined), `an email link to ${address}`);
  return new URL(link(email) as string);
}

async function waitFor<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  const deadline = Date.now() + ARRIVAL_DEADLINE_MS;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`no ${what} arrived within ${ARRIVAL_DEADLINE_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function sandbox<T>(path: string): Promise<T> {
  const response = await fetch(new URL(path, e2eStack().sandboxUrl));
  if (response.status !== 200) throw new Error(`sandbox ${path} answered ${response.status}`);
  return (await response.json()) as T;
}

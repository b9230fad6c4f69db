import { z } from "zod";
import { readStateFile, writeFileAtomically } from "../support/files";
import { EMAIL_PROVIDERS, type AcceptedEmail, type EmailProvider, type SandboxEmail } from "./sandbox-email";

/** Older emails are dropped past this, so the inbox (and its file) stays small on a long-lived stack. */
export const MAX_STORED_EMAILS = 1_000;

export interface EmailInbox {
  /** Stores one copy per recipient; resolves once stored and, with a file, persisted. */
  add(provider: EmailProvider, id: string, email: AcceptedEmail): Promise<void>;
  /** Newest first; only those to `to` (compared case-insensitively) when given. */
  newest(to: string | undefined, limit: number): SandboxEmail[];
  /** Empties the inbox (or only `to`'s emails); resolves once persisted. */
  clear(to: string | undefined): Promise<void>;
  settled(): Promise<void>;
}

const fileSchema = z.strictObject({
  version: z.literal(1),
  emails: z.array(
    z.strictObject({
      id: z.string().min(1),
      to: z.string(),
      from: z.string(),
      subject: z.string(),
      text: z.string(),
      html: z.string(),
      provider: z.enum(EMAIL_PROVIDERS),
      received_at: z.iso.datetime(),
    }),
  ),
});

/** An in-memory email inbox, loaded from and saved to `file` (atomically, whole) when one is given. */
export async function openEmailInbox(file: string | undefined): Promise<EmailInbox> {
  let emails: SandboxEmail[] = file ? (await readEmailFile(file)).slice(-MAX_STORED_EMAILS) : [];
  let queue: Promise<void> = Promise.resolve();
  const persist = (): Promise<void> => {
    if (!file) return Promise.resolve();
    const write = queue.then(() => writeFileAtomically(file, `${JSON.stringify({ version: 1, emails }, null, 2)}\n`));
    queue = write.catch(() => undefined);
    return write;
  };
  const addressedTo = (email: SandboxEmail, to: string) => email.to.toLowerCase() === to.toLowerCase();

  return {
    add(provider, id, email) {
      const received_at = new Date().toISOString();
      const copies = email.to.map((to) => ({ id, to, from: email.from, subject: email.subject, text: email.text, html: email.html, provider, received_at }));
      emails = [...emails, ...copies].slice(-MAX_STORED_EMAILS);
      return persist();
    },
    newest(to, limit) {
      const matching = to === undefined ? emails : emails.filter((email) => addressedTo(email, to));
      return matching.slice(-limit).reverse();
    },
    clear(to) {
      emails = to === undefined ? [] : emails.filter((email) => !addressedTo(email, to));
      return persist();
    },
    settled: () => queue,
  };
}

async function readEmailFile(path: string): Promise<SandboxEmail[]> {
  return (await readStateFile(path, fileSchema, "an email sandbox inbox file"))?.emails ?? [];
}

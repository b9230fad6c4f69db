import { z } from "zod";
import { readStateFile, writeFileAtomically } from "../support/files";

/** Older deliveries are dropped past this, so the inbox (and its file) stays small on a long-lived stack. */
export const MAX_STORED_WEBHOOKS = 1_000;

/** An endpoint's name: the last segment of `POST /webhooks/{endpoint}`. */
export const ENDPOINT_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** One webhook the receiver accepted, as it arrived. */
export interface ReceivedWebhook {
  readonly endpoint: string;
  readonly webhook_id: string | null;
  readonly webhook_timestamp: string | null;
  readonly webhook_signature: string | null;
  readonly content_type: string | null;
  /** The raw body, exactly as signed. */
  readonly body: string;
  readonly received_at: string;
}

export interface WebhookInbox {
  /** Resolves once stored and, with a file, persisted. */
  add(webhook: Omit<ReceivedWebhook, "received_at">): Promise<void>;
  /** Newest first; only `endpoint`'s when given. */
  newest(endpoint: string | undefined, limit: number): ReceivedWebhook[];
  /** Empties the inbox (or only `endpoint`'s); resolves once persisted. */
  clear(endpoint: string | undefined): Promise<void>;
  settled(): Promise<void>;
}

const nullableText = z.string().nullable();
const fileSchema = z.strictObject({
  version: z.literal(1),
  webhooks: z.array(
    z.strictObject({
      endpoint: z.string().regex(ENDPOINT_NAME),
      webhook_id: nullableText,
      webhook_timestamp: nullableText,
      webhook_signature: nullableText,
      content_type: nullableText,
      body: z.string(),
      received_at: z.iso.datetime(),
    }),
  ),
});

/** An in-memory inbox of received webhooks, loaded from and saved to `file` (atomically, whole) when one is given. */
export async function openWebhookInbox(file: string | undefined): Promise<WebhookInbox> {
  let webhooks: ReceivedWebhook[] = file ? ((await readStateFile(file, fileSchema, "a webhook receiver inbox file"))?.webhooks ?? []).slice(-MAX_STORED_WEBHOOKS) : [];
  let queue: Promise<void> = Promise.resolve();
  const persist = (): Promise<void> => {
    if (!file) return Promise.resolve();
    const write = queue.then(() => writeFileAtomically(file, `${JSON.stringify({ version: 1, webhooks }, null, 2)}\n`));
    queue = write.catch(() => undefined);
    return write;
  };
  return {
    add(webhook) {
      webhooks = [...webhooks, { ...webhook, received_at: new Date().toISOString() }].slice(-MAX_STORED_WEBHOOKS);
      return persist();
    },
    newest(endpoint, limit) {
      const matching = endpoint === undefined ? webhooks : webhooks.filter((webhook) => webhook.endpoint === endpoint);
      return matching.slice(-limit).reverse();
    },
    clear(endpoint) {
      webhooks = endpoint === undefined ? [] : webhooks.filter((webhook) => webhook.endpoint !== endpoint);
      return persist();
    },
    settled: () => queue,
  };
}

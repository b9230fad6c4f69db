import { randomUUID } from "node:crypto";
import { TWILIO_API_VERSION, type TwilioMessage } from "./twilio-message-resource";
import { signTwilioRequest } from "./twilio-signature";

/** Twilio's error for a message the carrier could not deliver (handset off, out of coverage). */
export const UNDELIVERED_ERROR_CODE = 30003;
/** The pool number the sandbox says a Messaging Service picked (Twilio's magic test sender). */
export const SANDBOX_POOL_NUMBER = "+15005550006";
/** How long the sandbox waits for a callback's answer before recording it as failed. */
export const CALLBACK_TIMEOUT_MS = 5_000;
/** Remembered callback attempts, newest first. */
export const MAX_REMEMBERED_CALLBACKS = 200;

export type CallbackStatus = "sent" | "delivered" | "undelivered";

/** One POST to a StatusCallback URL: what was reported and what came back (an HTTP status or an error name). */
export interface CallbackAttempt {
  readonly message_sid: string;
  readonly status: CallbackStatus;
  readonly url: string;
  readonly outcome: number | string;
  readonly at: string;
}

export interface StatusCallbacks {
  /** Reports `sent`, then `final`, each after `stepDelayMs`, without holding up the caller. */
  schedule(message: TwilioMessage, url: string, final: "delivered" | "undelivered"): void;
  /** Newest first. */
  attempts(): CallbackAttempt[];
  /** Cancels callbacks not yet made and aborts those in flight. */
  close(): Promise<void>;
}

export interface StatusCallbackOptions {
  readonly authToken: string;
  readonly stepDelayMs: number;
}

/** Twilio's form for an SMS status callback (the parameters Twilio sends for SMS; it may add more without notice). */
export function statusCallbackParams(message: TwilioMessage, status: CallbackStatus): [string, string][] {
  const params: [string, string][] = [
    ["AccountSid", message.accountSid],
    ["ApiVersion", TWILIO_API_VERSION],
    ["From", message.from ?? SANDBOX_POOL_NUMBER],
    ["MessageSid", message.sid],
    ["MessageStatus", status],
    ["SmsSid", message.sid],
    ["SmsStatus", status],
    ["To", message.to],
  ];
  if (message.messagingServiceSid !== null) params.push(["MessagingServiceSid", message.messagingServiceSid]);
  if (status === "undelivered") params.push(["ErrorCode", String(UNDELIVERED_ERROR_CODE)]);
  return params;
}

/**
 * Posts signed status callbacks the way Twilio does: form-encoded, `X-Twilio-Signature`
 * over the exact StatusCallback URL, one attempt each (Twilio retries only when asked
 * to with connection overrides, which the sandbox does not support).
 */
export function createStatusCallbacks(options: StatusCallbackOptions): StatusCallbacks {
  const closing = new AbortController();
  const running = new Set<Promise<void>>();
  const remembered: CallbackAttempt[] = [];
  const warnedUrls = new Set<string>();

  const post = async (message: TwilioMessage, url: string, status: CallbackStatus): Promise<void> => {
    const params = statusCallbackParams(message, status);
    let outcome: number | string;
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          "x-twilio-signature": signTwilioRequest(options.authToken, url, params),
          "i-twilio-idempotency-token": randomUUID(),
          "user-agent": "TwilioProxy/1.1",
        },
        body: new URLSearchParams(params).toString(),
        signal: AbortSignal.any([closing.signal, AbortSignal.timeout(CALLBACK_TIMEOUT_MS)]),
      });
      await response.arrayBuffer();
      outcome = response.status;
    } catch (error) {
      outcome = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.name) : "error";
    }
    remembered.unshift({ message_sid: message.sid, status, url, outcome, at: new Date().toISOString() });
    remembered.splice(MAX_REMEMBERED_CALLBACKS);
    // One line per unreachable URL, not per message: a test stack whose issuer listens on no port stays quiet.
    if (typeof outcome === "string" && !closing.signal.aborted && !warnedUrls.has(url)) {
      warnedUrls.add(url);
      console.warn(`[sms] status callback to ${url} failed (${outcome}); later failures to it are only listed at GET /__sandbox/callbacks`);
    }
  };

  const run = async (message: TwilioMessage, url: string, final: "delivered" | "undelivered"): Promise<void> => {
    for (const status of ["sent", final] as const) {
      if (!(await pause(options.stepDelayMs, closing.signal))) return;
      await post(message, url, status);
    }
  };

  return {
    schedule(message, url, final) {
      if (closing.signal.aborted) return;
      const task = run(message, url, final).finally(() => running.delete(task));
      running.add(task);
    },
    attempts: () => [...remembered],
    async close() {
      closing.abort();
      await Promise.allSettled([...running]);
    },
  };
}

/** Resolves true after `ms`, or false as soon as `signal` aborts. */
function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

import { listen, sendJson, type RunningServer } from "../support/http-server";
import { controlRoutesHandler } from "./control-routes";
import { createFaultBoard, type Fault, type Provider } from "./faults";
import { MAX_STORED_MESSAGES, openInbox } from "./inbox";
import { lookupHandler } from "./lookup";
import { createRequestCounter } from "./request-counter";
import { parseRequestTarget } from "./request-target";
import type { RouteHandler } from "./route-handler";
import type { SandboxMessage } from "./sandbox-message";
import { snsPublishHandler } from "./sns-publish";
import { createStatusCallbacks, type CallbackAttempt } from "./status-callbacks";
import { createTurnstileEmulator, ISSUE_PATH, SITEVERIFY_PATH, turnstileHandler } from "./turnstile";
import { ACCOUNT_PATH, twilioAccountHandler } from "./twilio-account";
import { twilioMessagesHandler } from "./twilio-messages";

export type { Fault, FaultMode, Provider } from "./faults";
export type { SandboxMessage } from "./sandbox-message";
export type { CallbackAttempt } from "./status-callbacks";

/**
 * The pause before each status callback. The issuer records a send only after Twilio has answered
 * it, so the first report must not overtake that write; real reports also take a while.
 */
export const DEFAULT_STATUS_CALLBACK_DELAY_MS = 1_000;

export interface SmsSandboxOptions {
  port: number;
  twilio: { accountSid: string; authToken: string; messagingServiceSid: string };
  sns: { accessKeyId: string; secretAccessKey: string; region: string };
  /** Persist the inbox as JSON when set: loaded at start, rewritten atomically on every change. */
  inboxFile: string | undefined;
  /** The secret `POST /turnstile/v0/siteverify` accepts besides Cloudflare's dummy test secrets. */
  turnstile: { secretKey: string };
  /** Pause before each status callback (`sent`, then the final one); DEFAULT_STATUS_CALLBACK_DELAY_MS when omitted. */
  statusCallbackDelayMs?: number;
}

export interface SmsSandbox extends RunningServer {
  /** Every stored message, newest first; only those sent to `to` when given. */
  messages(to?: string): SandboxMessage[];
  /** Throws when `fault` is malformed. */
  setFault(provider: Provider, fault: Fault): void;
  resetFaults(): void;
  /** Empties the inbox at once; the file, if any, is rewritten in the background. */
  clear(): void;
  requestCounts(): Record<Provider, number>;
  /** Status callbacks made so far (newest first), with what each URL answered. */
  statusCallbacks(): CallbackAttempt[];
}

/**
 * Starts the local stand-in for Twilio (account fetch, Messages with status callbacks, Lookup v2), AWS SNS
 * (Publish, GetSMSAttributes) and Cloudflare Turnstile's siteverify, with an inbox and fault injection.
 */
export async function startSmsSandbox(options: SmsSandboxOptions): Promise<SmsSandbox> {
  const inbox = await openInbox(options.inboxFile);
  const faults = createFaultBoard();
  const counter = createRequestCounter();
  const callbacks = createStatusCallbacks({ authToken: options.twilio.authToken, stepDelayMs: options.statusCallbackDelayMs ?? DEFAULT_STATUS_CALLBACK_DELAY_MS });
  const twilio = twilioMessagesHandler({ account: options.twilio, inbox, faults, counter, callbacks });
  const twilioAccount = twilioAccountHandler({ credentials: options.twilio, faults, counter });
  const lookup = lookupHandler({ credentials: options.twilio, faults, counter });
  const sns = snsPublishHandler({ credentials: options.sns, inbox, faults, counter });
  const control = controlRoutesHandler({ inbox, faults, counter, callbacks });
  const turnstile = turnstileHandler(createTurnstileEmulator({ secretKey: options.turnstile.secretKey }));

  const routeFor = (path: string): RouteHandler | undefined => {
    if (path === "/") return sns;
    if (ACCOUNT_PATH.test(path)) return twilioAccount;
    if (path.startsWith("/2010-04-01/")) return twilio;
    if (path.startsWith("/v2/PhoneNumbers/")) return lookup;
    if (path === "/messages" || path.startsWith("/__sandbox/")) return control;
    if (path === SITEVERIFY_PATH || path === ISSUE_PATH) return turnstile;
    return undefined;
  };

  const server = await listen(
    async (request, response) => {
      const target = parseRequestTarget(request.url);
      const route = routeFor(target.path);
      if (!route) return sendJson(response, 404, { error: "not found" });
      await route(request, response, target);
    },
    { port: options.port },
  );

  return {
    url: server.url,
    port: server.port,
    close: async () => {
      await callbacks.close();
      await server.close();
      await inbox.settled();
    },
    messages: (to) => inbox.newest(to, MAX_STORED_MESSAGES),
    setFault: (provider, fault) => faults.set(provider, fault),
    resetFaults: () => faults.reset(),
    clear: () => {
      inbox.clear(undefined).catch((error: unknown) => {
        console.error("[sms] could not save the emptied inbox:", error instanceof Error ? error.message : error);
      });
    },
    requestCounts: () => counter.snapshot(),
    statusCallbacks: () => callbacks.attempts(),
  };
}

import { listen, sendJson, type RunningServer } from "../support/http-server";
import { breachedRangeHandler, RANGE_PATH } from "./breached-range";
import { controlRoutesHandler } from "./control-routes";
import { EMAIL_FAULTS_PATH, EMAIL_INBOX_PATH, emailControlRoutesHandler } from "./email-control-routes";
import { createEmailFaultBoard, type EmailFault, type EmailFaultTarget } from "./email-faults";
import { MAX_STORED_EMAILS, openEmailInbox } from "./email-inbox";
import { createFaultBoard, type Fault, type Provider } from "./faults";
import { MAX_STORED_MESSAGES, openInbox } from "./inbox";
import { lookupHandler } from "./lookup";
import { createRequestCounter } from "./request-counter";
import { postmarkEmailHandler, POSTMARK_EMAIL_PATH } from "./postmark-email";
import { parseRequestTarget } from "./request-target";
import { resendEmailsHandler } from "./resend-emails";
import type { RouteHandler } from "./route-handler";
import type { SandboxEmail } from "./sandbox-email";
import type { SandboxMessage } from "./sandbox-message";
import { SES_OUTBOUND_EMAILS_PATH, sesOutboundEmailsHandler } from "./ses-outbound-emails";
import { snsPublishHandler } from "./sns-publish";
import { createStatusCallbacks, type CallbackAttempt } from "./status-callbacks";
import { createTurnstileEmulator, ISSUE_PATH, SITEVERIFY_PATH, turnstileHandler } from "./turnstile";
import { ACCOUNT_PATH, twilioAccountHandler } from "./twilio-account";
import { twilioMessagesHandler } from "./twilio-messages";
import { createWebhookFaultBoard, type WebhookFault } from "./webhook-faults";
import { MAX_STORED_WEBHOOKS, openWebhookInbox, type ReceivedWebhook } from "./webhook-inbox";
import { isWebhookReceiverPath, webhookReceiverHandler } from "./webhook-receiver";

export type { Fault, FaultMode, Provider } from "./faults";
export type { SandboxMessage } from "./sandbox-message";
export type { EmailFault, EmailFaultMode, EmailFaultTarget } from "./email-faults";
export type { SandboxEmail } from "./sandbox-email";
export type { CallbackAttempt } from "./status-callbacks";
export type { ReceivedWebhook } from "./webhook-inbox";
export type { WebhookFault, WebhookFaultMode } from "./webhook-faults";

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
  /**
   * The email providers' credentials: Resend's API key, Postmark's server token, and the region SES
   * signatures must name (SES signs with the `sns` keys, as one AWS account's keys do both).
   */
  email: { resendApiKey: string; postmarkServerToken: string; sesRegion: string };
  /** Persist the email inbox as JSON when set, like `inboxFile`. */
  emailInboxFile: string | undefined;
  /** Pause before each status callback (`sent`, then the final one); DEFAULT_STATUS_CALLBACK_DELAY_MS when omitted. */
  statusCallbackDelayMs?: number;
  /** Persist the webhook receiver's inbox as JSON when set, like `inboxFile`. */
  webhookInboxFile?: string | undefined;
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
  /** Every stored email, newest first; only those to `to` (any case) when given. */
  emails(to?: string): SandboxEmail[];
  /** Throws when `fault` is malformed; `range` plays only error_5xx and timeout. */
  setEmailFault(target: EmailFaultTarget, fault: EmailFault): void;
  /** Empties the email inbox at once; the file, if any, is rewritten in the background. */
  clearEmails(): void;
  /** Every webhook the receiver accepted, newest first; only `endpoint`'s when given. */
  webhooks(endpoint?: string): ReceivedWebhook[];
  /** Makes `endpoint` answer 500 or 410, or never answer (`timeout`), for every delivery or the next `count`. */
  setWebhookFault(endpoint: string, fault: WebhookFault): void;
  /** POSTs `endpoint` received so far, answered or not. */
  webhookRequests(endpoint: string): number;
  /** Empties the webhook inbox at once; the file, if any, is rewritten in the background. Faults and request counts stay. */
  clearWebhooks(): void;
}

/**
 * Starts the local stand-in for Twilio (account fetch, Messages with status callbacks, Lookup v2), AWS SNS
 * (Publish, GetSMSAttributes), Cloudflare Turnstile's siteverify, the email providers (Resend, Postmark,
 * SES v2) and a breached-password range API, with an SMS inbox, an email inbox and fault injection.
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
  const emailInbox = await openEmailInbox(options.emailInboxFile);
  const emailFaults = createEmailFaultBoard();
  const resend = resendEmailsHandler({ apiKey: options.email.resendApiKey, inbox: emailInbox, faults: emailFaults });
  const postmark = postmarkEmailHandler({ serverToken: options.email.postmarkServerToken, inbox: emailInbox, faults: emailFaults });
  const ses = sesOutboundEmailsHandler({ credentials: { ...options.sns, region: options.email.sesRegion }, inbox: emailInbox, faults: emailFaults });
  const emailControl = emailControlRoutesHandler(emailInbox, emailFaults);
  const range = breachedRangeHandler(emailFaults);
  const webhookInbox = await openWebhookInbox(options.webhookInboxFile);
  const webhookFaults = createWebhookFaultBoard();
  const webhookReceiver = webhookReceiverHandler(webhookInbox, webhookFaults);

  const routeFor = (path: string, method: string | undefined): RouteHandler | undefined => {
    // Resend sends with `POST /emails`; reading and clearing the email inbox are the other methods.
    if (path === EMAIL_INBOX_PATH) return method === "POST" ? resend : emailControl;
    if (path === POSTMARK_EMAIL_PATH) return postmark;
    if (path === SES_OUTBOUND_EMAILS_PATH) return ses;
    if (RANGE_PATH.test(path)) return range;
    if (path === EMAIL_FAULTS_PATH || path.startsWith(`${EMAIL_FAULTS_PATH}/`)) return emailControl;
    if (path === "/") return sns;
    if (ACCOUNT_PATH.test(path)) return twilioAccount;
    if (path.startsWith("/2010-04-01/")) return twilio;
    if (path.startsWith("/v2/PhoneNumbers/")) return lookup;
    if (isWebhookReceiverPath(path)) return webhookReceiver;
    if (path === "/messages" || path.startsWith("/__sandbox/")) return control;
    if (path === SITEVERIFY_PATH || path === ISSUE_PATH) return turnstile;
    return undefined;
  };

  const server = await listen(
    async (request, response) => {
      const target = parseRequestTarget(request.url);
      const route = routeFor(target.path, request.method);
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
      await emailInbox.settled();
      await webhookInbox.settled();
    },
    messages: (to) => inbox.newest(to, MAX_STORED_MESSAGES),
    setFault: (provider, fault) => faults.set(provider, fault),
    resetFaults: () => {
      faults.reset();
      emailFaults.reset();
      webhookFaults.reset();
    },
    clear: () => {
      inbox.clear(undefined).catch((error: unknown) => {
        console.error("[sms] could not save the emptied inbox:", error instanceof Error ? error.message : error);
      });
    },
    requestCounts: () => counter.snapshot(),
    statusCallbacks: () => callbacks.attempts(),
    emails: (to) => emailInbox.newest(to, MAX_STORED_EMAILS),
    setEmailFault: (target, fault) => emailFaults.set(target, fault),
    clearEmails: () => {
      emailInbox.clear(undefined).catch((error: unknown) => {
        console.error("[sms] could not save the emptied email inbox:", error instanceof Error ? error.message : error);
      });
    },
    webhooks: (endpoint) => webhookInbox.newest(endpoint, MAX_STORED_WEBHOOKS),
    setWebhookFault: (endpoint, fault) => webhookFaults.set(endpoint, fault),
    webhookRequests: (endpoint) => webhookFaults.current()[endpoint]?.requests ?? 0,
    clearWebhooks: () => {
      webhookInbox.clear(undefined).catch((error: unknown) => {
        console.error("[sms] could not save the emptied webhook inbox:", error instanceof Error ? error.message : error);
      });
    },
  };
}

import { AuditSpoolClient } from "../../shared/adapters/durable-objects/audit-spool-client";
import { PhoneCodeGuardClient } from "../../shared/adapters/durable-objects/otp-guard-client";
import { cachedCarrierLookup, twilioLookup } from "../../shared/adapters/sms/twilio-lookup";
import { turnstileSiteverify } from "../../shared/adapters/turnstile/siteverify";
import type { CarrierLookup } from "../../shared/ports/carrier-lookup";
import type { TurnstileVerifier } from "../../shared/ports/turnstile-verifier";
import { RateLimiterClient } from "../../shared/adapters/durable-objects/rate-limiter-client";
import { LoginGuardClient } from "../../shared/adapters/durable-objects/login-guard-client";
import { MfaTicketClient } from "../../shared/adapters/durable-objects/mfa-ticket-client";
import type { MfaTickets } from "../../shared/ports/mfa-tickets";
import { kvJwksPublisher } from "../../shared/adapters/kv/jwks-publisher";
import { neonAccountStore } from "../../shared/adapters/neon/account-store";
import { neonAuditLog } from "../../shared/adapters/neon/audit-log";
import { neonEmailTokenStore } from "../../shared/adapters/neon/email-token-store";
import { createDatabase } from "../../shared/adapters/neon/database";
import { databaseProbe } from "../../shared/adapters/neon/database-probe";
import { neonIdempotencyStore } from "../../shared/adapters/neon/idempotency-store";
import { neonOtpRequestLog } from "../../shared/adapters/neon/otp-request-log";
import { neonSmsStatsReader } from "../../shared/adapters/neon/sms-stats-reader";
import { neonRevocationStore } from "../../shared/adapters/neon/revocation-store";
import { neonSessionStore } from "../../shared/adapters/neon/session-store";
import { neonBrowserSessionStore } from "../../shared/adapters/neon/browser-session-store";
import { neonConsentStore } from "../../shared/adapters/neon/consent-store";
import { neonSigningKeyStore } from "../../shared/adapters/neon/signing-key-store";
import { neonTenantRepository } from "../../shared/adapters/neon/tenant-repository";
import { neonUserRepository } from "../../shared/adapters/neon/user-repository";
import { neonIdentityStore } from "../../shared/adapters/neon/identity-store";
import { neonSecondFactorStore } from "../../shared/adapters/neon/second-factor-store";
import { neonPasskeyStore } from "../../shared/adapters/neon/passkey-store";
import { neonWebauthnChallengeStore } from "../../shared/adapters/neon/webauthn-challenge-store";
import { neonOAuthClientStore } from "../../shared/adapters/neon/oauth-client-store";
import { neonAuthorizationCodeStore } from "../../shared/adapters/neon/authorization-code-store";
import type { OAuthClientStore } from "../../shared/ports/oauth-client-store";
import type { AuthorizationCodeStore } from "../../shared/ports/authorization-code-store";
import { cachedProbe } from "../../shared/adapters/cached-probe";
import { snsProbe } from "../../shared/adapters/sms/sns-probe";
import { snsSender } from "../../shared/adapters/sms/sns-sender";
import { twilioProbe } from "../../shared/adapters/sms/twilio-probe";
import { twilioSender } from "../../shared/adapters/sms/twilio-sender";
import { createRedis } from "../../shared/adapters/upstash/redis-client";
import { redisProbe } from "../../shared/adapters/upstash/redis-probe";
import { upstashRevocationList } from "../../shared/adapters/upstash/revocation-list";
import { IDEMPOTENCY_CLAIM_SECONDS, IDEMPOTENCY_RECORD_SECONDS } from "../../shared/domain/idempotency";
import { parseIssuerConfig, type IssuerConfig } from "../../shared/config/issuer-config";
import { createLogger, type Logger } from "../../shared/logging/logger";
import type { AccountStore } from "../../shared/ports/account-store";
import type { AuditLog } from "../../shared/ports/audit-log";
import type { EmailTokenStore } from "../../shared/ports/email-token-store";
import type { MailSender } from "../../shared/ports/mailer";
import type { BreachedPasswordCheck } from "../../shared/ports/breached-passwords";
import { BREACHED_PASSWORDS_TIMEOUT_MS, rangeApiBreachCheck } from "../../shared/adapters/breached-passwords/range-api";
import { mailSenders } from "./mail-senders";
import type { AuditSpool } from "../../shared/ports/audit-spool";
import type { DependencyProbe } from "../../shared/ports/dependency-probe";
import type { IdempotencyStore } from "../../shared/ports/idempotency-store";
import type { LoginThrottle } from "../../shared/ports/login-throttle";
import type { OtpGuard } from "../../shared/ports/otp-guard";
import type { OtpRequestLog } from "../../shared/ports/otp-request-log";
import type { RateLimiter } from "../../shared/ports/rate-limiter";
import type { RevocationList } from "../../shared/ports/revocation-list";
import type { RevocationStore } from "../../shared/ports/revocation-store";
import type { SessionStore } from "../../shared/ports/session-store";
import type { BrowserSessionStore } from "../../shared/ports/browser-session-store";
import type { ConsentStore } from "../../shared/ports/consent-store";
import type { FederatedUserStore } from "../../shared/ports/federated-user-store";
import type { ConnectionStore } from "../../shared/ports/connection-store";
import type { UpstreamRequestStore } from "../../shared/ports/upstream-request-store";
import { neonConnectionStore } from "../../shared/adapters/neon/connection-store";
import { neonUpstreamRequestStore } from "../../shared/adapters/neon/upstream-request-store";
import { neonFederatedUserStore } from "../../shared/adapters/neon/federated-user-store";
import type { SmsSender } from "../../shared/ports/sms-sender";
import type { SmsStatsReader } from "../../shared/ports/sms-stats-reader";
import type { TenantRepository } from "../../shared/ports/tenant-repository";
import type { UserRepository } from "../../shared/ports/user-repository";
import type { IdentityStore } from "../../shared/ports/identity-store";
import type { SecondFactorStore } from "../../shared/ports/second-factor-store";
import type { PasskeyStore } from "../../shared/ports/passkey-store";
import type { WebauthnChallengeStore } from "../../shared/ports/webauthn-challenge-store";
import { twilioStatusCallbackUrl } from "./services/delivery-status";
import type { IssuerHealthDeps } from "./services/health";
import { SigningKeyService } from "./services/signing-keys";
import { neonWebhookDeliveryLedger, neonWebhookEndpointStore } from "../../shared/adapters/neon/webhook-store";
import { neonActivityStatsReader } from "../../shared/adapters/neon/activity-stats-reader";
import type { ActivityStatsReader } from "../../shared/ports/activity-stats";
import { cloudflareWebhookQueue } from "../../shared/adapters/queues/webhook-queue";
import type { WebhookDeliveryLedger, WebhookEndpointStore } from "../../shared/ports/webhook-store";
import type { WebhookQueue } from "../../shared/ports/webhook-queue";
import { WebhookDispatcher } from "./services/webhooks/webhook-dispatch";
import { neonConsoleSessionStore } from "../../shared/adapters/neon/console-session-store";
import { neonTenantDirectory } from "../../shared/adapters/neon/tenant-directory";
import type { ConsoleSessionStore } from "../../shared/ports/console-session-store";
import type { TenantDirectory } from "../../shared/ports/tenant-directory";

export interface IssuerDeps {
  readonly config: IssuerConfig;
  readonly logger: Logger;
  /** What /health asks; the SMS providers' answers are kept for SMS_PROBE_CACHE_MS. */
  readonly probes: { readonly database: DependencyProbe; readonly redis: DependencyProbe; readonly sms: IssuerHealthDeps["smsProviders"] };
  readonly signingKeys: SigningKeyService;
  readonly tenants: TenantRepository;
  readonly users: UserRepository;
  /** The email and password side of users. */
  readonly accounts: AccountStore;
  /** Tokens of the links Portcullis emails. */
  readonly emailTokens: EmailTokenStore;
  /** In failover order (`EMAIL_PROVIDERS`), only those configured. */
  readonly mailSenders: readonly MailSender[];
  /** The k-anonymity range API of breached passwords (`BREACHED_PASSWORDS_URL`); callers fail open. */
  readonly breachedPasswords: BreachedPasswordCheck;
  /** Linked external accounts, for the profile. */
  readonly identities: IdentityStore;
  /** TOTP factors and recovery codes (and the count of passkeys, for the summary). */
  readonly secondFactors: SecondFactorStore;
  readonly sessions: SessionStore;
  /** The hosted pages' sign-in cookie, by hash. */
  readonly browserSessions: BrowserSessionStore;
  readonly revocations: RevocationStore;
  readonly revocationList: RevocationList;
  readonly auditLog: AuditLog;
  readonly auditSpool: AuditSpool;
  /** Admin writes sent with an Idempotency-Key, and their sealed answers. */
  readonly idempotency: IdempotencyStore;
  readonly otpRequests: OtpRequestLog;
  readonly otpGuard: OtpGuard;
  readonly rateLimiter: RateLimiter;
  /** Password login failures per account, per account and network, and per network. */
  readonly loginThrottle: LoginThrottle;
  /** The `mfa_token`s of two-step sign-ins. */
  readonly mfaTickets: MfaTickets;
  /** In failover order (`SMS_PROVIDERS`), only those configured. */
  readonly smsSenders: readonly SmsSender[];
  /** Per-tenant SMS sends, delivery reports and refusals, for `GET /api/admin/tenants/{id}/sms-stats`. */
  readonly smsStats: SmsStatsReader;
  /** Twilio Lookup, cached per number; null without Twilio credentials. */
  readonly carrierLookup: CarrierLookup | null;
  readonly turnstile: TurnstileVerifier;
  /** Users' passkeys, their WebAuthn challenges, and whether a user holds any second factor. */
  readonly passkeys: PasskeyStore;
  readonly webauthnChallenges: WebauthnChallengeStore;
  /** The OpenID Provider: tenants' OAuth clients and the authorization codes issued to them. */
  readonly oauthClients: OAuthClientStore;
  readonly authorizationCodes: AuthorizationCodeStore;
  /** What users let clients that are not first-party have. */
  readonly consents: ConsentStore;
  /** Tenants' social and enterprise sign-in connections, and the upstream sign-ins under way. */
  readonly connections: ConnectionStore;
  readonly upstreamRequests: UpstreamRequestStore;
  /** Users created by a first social sign-in, with their identity, in one transaction. */
  readonly federatedUsers: FederatedUserStore;
  /** Tenants' webhook endpoints and their delivery history. */
  readonly webhooks: WebhookEndpointStore;
  /** The webhook outbox as the producer and the consumer use it. */
  readonly webhookLedger: WebhookDeliveryLedger;
  readonly webhookQueue: WebhookQueue;
  /** Moves due deliveries onto the queue after requests that may have written events. */
  readonly webhookDispatcher: WebhookDispatcher;
  /** Aggregates of a tenant's activity for the console's dashboard. */
  readonly activityStats: ActivityStatsReader;
  /** The operator console's sign-ins, by hash. */
  readonly consoleSessions: ConsoleSessionStore;
  /** Lists across tenants, for the operator console. */
  readonly tenantDirectory: TenantDirectory;
}

/** A provider's API is asked at most this often per isolate, however often /health is polled. */
const SMS_PROBE_CACHE_MS = 30_000;

/** Line types change rarely (a number ported to a VOIP carrier); a month is the usual cache life. */
const CARRIER_CACHE_SECONDS = 30 * 24 * 3600;

const built = new WeakMap<Env, IssuerDeps>();

/** The composition root: the only place that knows both Env and the adapters. Built once per isolate. */
export function issuerDeps(env: Env): IssuerDeps {
  const existing = built.get(env);
  if (existing) return existing;
  const config = parseIssuerConfig(env as unknown as Record<string, unknown>);
  const db = createDatabase(config.database);
  const redis = createRedis(config.redis);
  const logger = createLogger("issuer", config.logLevel);
  const webhookLedger = neonWebhookDeliveryLedger(db);
  const webhookQueue = cloudflareWebhookQueue(env.WEBHOOK_QUEUE);
  const deps: IssuerDeps = {
    config,
    logger,
    probes: { database: databaseProbe(db), redis: redisProbe(redis), sms: smsProbes(config) },
    signingKeys: new SigningKeyService({
      store: neonSigningKeyStore(db),
      publisher: kvJwksPublisher(env.JWKS_KV),
      keyEncryptionSecret: config.keyEncryptionSecret,
      now: () => new Date(),
    }),
    tenants: neonTenantRepository(db),
    users: neonUserRepository(db),
    accounts: neonAccountStore(db),
    emailTokens: neonEmailTokenStore(db),
    mailSenders: mailSenders(config),
    breachedPasswords: rangeApiBreachCheck({ baseUrl: config.breachedPasswordsUrl, timeoutMs: BREACHED_PASSWORDS_TIMEOUT_MS, logger }),
    identities: neonIdentityStore(db),
    secondFactors: neonSecondFactorStore(db),
    sessions: neonSessionStore(db),
    browserSessions: neonBrowserSessionStore(db),
    revocations: neonRevocationStore(db),
    // No client retries: a retried write would carry its first score; the outbox retries with a fresh one.
    revocationList: upstashRevocationList(createRedis(config.redis, { retries: 0 })),
    auditLog: neonAuditLog(db),
    auditSpool: new AuditSpoolClient(env.AUDIT_SPOOL),
    idempotency: neonIdempotencyStore(db, { recordSeconds: IDEMPOTENCY_RECORD_SECONDS, claimSeconds: IDEMPOTENCY_CLAIM_SECONDS }),
    otpRequests: neonOtpRequestLog(db),
    otpGuard: new PhoneCodeGuardClient(env.PHONE_CODES),
    rateLimiter: new RateLimiterClient(env.RATE_LIMITER),
    loginThrottle: new LoginGuardClient(env.LOGIN_GUARD),
    mfaTickets: new MfaTicketClient(env.MFA_TICKETS),
    smsSenders: smsSenders(config),
    smsStats: neonSmsStatsReader(db),
    carrierLookup: config.sms.twilio && cachedCarrierLookup(twilioLookup(config.sms.twilio), env.LOOKUP_CACHE, CARRIER_CACHE_SECONDS),
    turnstile: turnstileSiteverify(config.turnstileSiteverifyUrl),
    passkeys: neonPasskeyStore(db),
    webauthnChallenges: neonWebauthnChallengeStore(db),
    oauthClients: neonOAuthClientStore(db),
    authorizationCodes: neonAuthorizationCodeStore(db),
    consents: neonConsentStore(db),
    connections: neonConnectionStore(db),
    upstreamRequests: neonUpstreamRequestStore(db),
    federatedUsers: neonFederatedUserStore(db),
    webhooks: neonWebhookEndpointStore(db),
    webhookLedger,
    webhookQueue,
    activityStats: neonActivityStatsReader(db),
    webhookDispatcher: new WebhookDispatcher({ ledger: webhookLedger, queue: webhookQueue, logger, lostMessageAfterMs: config.webhooks.lostMessageAfterMs }),
    consoleSessions: neonConsoleSessionStore(db),
    tenantDirectory: neonTenantDirectory(db),
  };
  built.set(env, deps);
  return deps;
}

/** One probe per provider that sends (in `SMS_PROVIDERS` and configured). */
function smsProbes(config: IssuerConfig): IssuerHealthDeps["smsProviders"] {
  const probes: { name: "twilio" | "sns"; probe: DependencyProbe }[] = [];
  for (const name of new Set(config.sms.providers)) {
    if (name === "twilio" && config.sms.twilio) probes.push({ name, probe: cachedProbe(twilioProbe(config.sms.twilio), SMS_PROBE_CACHE_MS) });
    if (name === "sns" && config.sms.sns) probes.push({ name, probe: cachedProbe(snsProbe(config.sms.sns), SMS_PROBE_CACHE_MS) });
  }
  return probes;
}

function smsSenders(config: IssuerConfig): SmsSender[] {
  const senders: SmsSender[] = [];
  for (const name of config.sms.providers) {
    if (name === "twilio" && config.sms.twilio) senders.push(twilioSender({ ...config.sms.twilio, statusCallbackUrl: twilioStatusCallbackUrl(config.issuerUrl) }));
    if (name === "sns" && config.sms.sns) senders.push(snsSender(config.sms.sns));
  }
  return senders;
}

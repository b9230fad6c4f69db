import {
  credentialSetting,
  credentialUrl,
  endpointOverride,
  integerSetting,
  listSetting,
  localStackSetting,
  optionalCredential,
  optionalString,
  requiredString,
  secretSetting,
  urlSetting,
  type RawEnv,
} from "./env-reader";
import { emailSettings, type EmailConfig } from "./email-settings";
import type { FederationEndpoints } from "./federation-endpoints";
import { federationEndpoints } from "./federation-settings";
import { webhookSettings, type WebhookConfig } from "./webhook-settings";

export interface IssuerConfig {
  readonly version: string;
  readonly issuerUrl: string;
  readonly defaultAudience: string;
  readonly adminToken: string;
  readonly keyEncryptionSecret: string;
  readonly otpHashSecret: string;
  readonly database: { readonly url: string; readonly fetchEndpoint: string | undefined };
  readonly redis: { readonly url: string; readonly token: string };
  readonly sms: {
    readonly providers: readonly string[];
    readonly twilio: { readonly accountSid: string; readonly authToken: string; readonly messagingServiceSid: string; readonly apiBase: string; readonly lookupBase: string } | null;
    readonly sns: { readonly region: string; readonly accessKeyId: string; readonly secretAccessKey: string; readonly originationNumber: string | undefined; readonly endpoint: string } | null;
  };
  /** Email delivery: providers in failover order and the sender; see docs/email.md. */
  readonly email: EmailConfig;
  readonly rateLimit: { readonly windowMs: number; readonly max: number };
  readonly corsOrigins: readonly string[];
  /** Cloudflare Turnstile's siteverify endpoint (the SMS sandbox locally). */
  readonly turnstileSiteverifyUrl: string;
  readonly logLevel: "debug" | "info" | "warn" | "error";
  /** A k-anonymity range API of breached passwords, in the shape of Have I Been Pwned's. */
  readonly breachedPasswordsUrl: string;
  /** Social and enterprise sign-in providers' endpoints (moved only in the local stack). */
  readonly federation: FederationEndpoints;
  /** Outbound webhooks: retries, timeout, and where they may go; see docs/webhooks.md. */
  readonly webhooks: WebhookConfig;
}

export const PORTCULLIS_VERSION = "0.1.0";

/** Parses the issuer's bindings once; a missing or malformed setting stops the worker with its name. */
export function parseIssuerConfig(env: RawEnv): IssuerConfig {
  const twilioSid = optionalCredential(env, "TWILIO_ACCOUNT_SID");
  const snsKey = optionalCredential(env, "AWS_ACCESS_KEY_ID");
  const region = optionalString(env, "AWS_SNS_REGION") ?? "us-east-1";
  const localStack = localStackSetting(env);
  const neonEndpoint = optionalString(env, "NEON_FETCH_ENDPOINT");
  return Object.freeze({
    federation: federationEndpoints(env, localStack),
    version: PORTCULLIS_VERSION,
    issuerUrl: urlSetting(env, "ISSUER_URL"),
    defaultAudience: requiredString(env, "DEFAULT_AUDIENCE"),
    adminToken: secretSetting(env, "ADMIN_TOKEN", 24),
    keyEncryptionSecret: secretSetting(env, "KEY_ENCRYPTION_SECRET"),
    otpHashSecret: secretSetting(env, "OTP_HASH_SECRET"),
    database: {
      url: credentialSetting(env, "DATABASE_URL"),
      fetchEndpoint: neonEndpoint === undefined ? undefined : credentialUrl("NEON_FETCH_ENDPOINT", neonEndpoint, localStack),
    },
    redis: { url: credentialUrl("UPSTASH_REDIS_REST_URL", credentialSetting(env, "UPSTASH_REDIS_REST_URL"), localStack), token: credentialSetting(env, "UPSTASH_REDIS_REST_TOKEN") },
    sms: {
      providers: listSetting(env, "SMS_PROVIDERS", ["twilio", "sns"]),
      twilio: twilioSid
        ? {
            accountSid: twilioSid,
            authToken: credentialSetting(env, "TWILIO_AUTH_TOKEN"),
            messagingServiceSid: credentialSetting(env, "TWILIO_MESSAGING_SERVICE_SID"),
            apiBase: endpointOverride(env, "TWILIO_API_BASE", "https://api.twilio.com", localStack),
            lookupBase: endpointOverride(env, "TWILIO_LOOKUP_BASE", "https://lookups.twilio.com", localStack),
          }
        : null,
      sns: snsKey
        ? {
            region,
            accessKeyId: snsKey,
            secretAccessKey: credentialSetting(env, "AWS_SECRET_ACCESS_KEY"),
            originationNumber: optionalString(env, "SNS_ORIGINATION_NUMBER"),
            endpoint: endpointOverride(env, "AWS_SNS_ENDPOINT", `https://sns.${region}.amazonaws.com`, localStack),
          }
        : null,
    },
    email: emailSettings(env, snsKey, localStack),
    rateLimit: {
      windowMs: integerSetting(env, "RATE_LIMIT_WINDOW_MS", 3_600_000, 1_000, 86_400_000),
      max: integerSetting(env, "RATE_LIMIT_MAX", 100, 1, 1_000_000),
    },
    corsOrigins: listSetting(env, "CORS_ORIGINS", []),
    turnstileSiteverifyUrl: endpointOverride(env, "TURNSTILE_SITEVERIFY_URL", "https://challenges.cloudflare.com/turnstile/v0/siteverify", localStack),
    logLevel: logLevel(optionalString(env, "LOG_LEVEL")),
    breachedPasswordsUrl: endpointOverride(env, "BREACHED_PASSWORDS_URL", "https://api.pwnedpasswords.com", localStack),
    webhooks: webhookSettings(env, localStack),
  });
}

function logLevel(value: string | undefined): IssuerConfig["logLevel"] {
  switch (value ?? "info") {
    case "debug":
      return "debug";
    case "info":
      return "info";
    case "warn":
      return "warn";
    case "error":
      return "error";
    default:
      return "info";
  }
}

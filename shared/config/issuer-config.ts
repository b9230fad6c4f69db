import { integerSetting, listSetting, optionalString, requiredString, secretSetting, urlSetting, type RawEnv } from "./env-reader";

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
  readonly rateLimit: { readonly windowMs: number; readonly max: number };
  readonly corsOrigins: readonly string[];
  /** Cloudflare Turnstile's siteverify endpoint (the SMS sandbox locally). */
  readonly turnstileSiteverifyUrl: string;
  readonly logLevel: "debug" | "info" | "warn" | "error";
}

export const PORTCULLIS_VERSION = "0.1.0";

/** Parses the issuer's bindings once; a missing or malformed setting stops the worker with its name. */
export function parseIssuerConfig(env: RawEnv): IssuerConfig {
  const twilioSid = optionalString(env, "TWILIO_ACCOUNT_SID");
  const snsKey = optionalString(env, "AWS_ACCESS_KEY_ID");
  const region = optionalString(env, "AWS_SNS_REGION") ?? "us-east-1";
  return Object.freeze({
    version: PORTCULLIS_VERSION,
    issuerUrl: urlSetting(env, "ISSUER_URL"),
    defaultAudience: requiredString(env, "DEFAULT_AUDIENCE"),
    adminToken: secretSetting(env, "ADMIN_TOKEN", 24),
    keyEncryptionSecret: secretSetting(env, "KEY_ENCRYPTION_SECRET"),
    otpHashSecret: secretSetting(env, "OTP_HASH_SECRET"),
    database: { url: requiredString(env, "DATABASE_URL"), fetchEndpoint: optionalString(env, "NEON_FETCH_ENDPOINT") },
    redis: { url: urlSetting(env, "UPSTASH_REDIS_REST_URL"), token: requiredString(env, "UPSTASH_REDIS_REST_TOKEN") },
    sms: {
      providers: listSetting(env, "SMS_PROVIDERS", ["twilio", "sns"]),
      twilio: twilioSid
        ? {
            accountSid: twilioSid,
            authToken: requiredString(env, "TWILIO_AUTH_TOKEN"),
            messagingServiceSid: requiredString(env, "TWILIO_MESSAGING_SERVICE_SID"),
            apiBase: optionalString(env, "TWILIO_API_BASE") ?? "https://api.twilio.com",
            lookupBase: optionalString(env, "TWILIO_LOOKUP_BASE") ?? "https://lookups.twilio.com",
          }
        : null,
      sns: snsKey
        ? {
            region,
            accessKeyId: snsKey,
            secretAccessKey: requiredString(env, "AWS_SECRET_ACCESS_KEY"),
            originationNumber: optionalString(env, "SNS_ORIGINATION_NUMBER"),
            endpoint: optionalString(env, "AWS_SNS_ENDPOINT") ?? `https://sns.${region}.amazonaws.com`,
          }
        : null,
    },
    rateLimit: {
      windowMs: integerSetting(env, "RATE_LIMIT_WINDOW_MS", 3_600_000, 1_000, 86_400_000),
      max: integerSetting(env, "RATE_LIMIT_MAX", 100, 1, 1_000_000),
    },
    corsOrigins: listSetting(env, "CORS_ORIGINS", []),
    turnstileSiteverifyUrl: optionalString(env, "TURNSTILE_SITEVERIFY_URL") ?? "https://challenges.cloudflare.com/turnstile/v0/siteverify",
    logLevel: logLevel(optionalString(env, "LOG_LEVEL")),
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

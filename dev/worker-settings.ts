/**
 * Which of the workers' documented settings `npm run dev` takes from its own environment.
 * Secrets come through `resolveSecrets`; the addresses that wire the workers to the
 * stand-ins belong to the stack (real servers go behind the stand-ins with POSTGRES_URL and
 * REDIS_URL instead), so a production value left in a shell never reaches a local worker.
 */
export const ISSUER_SETTINGS = [
  "DEFAULT_AUDIENCE",
  "LOG_LEVEL",
  "RATE_LIMIT_WINDOW_MS",
  "RATE_LIMIT_MAX",
  "CORS_ORIGINS",
  "SMS_PROVIDERS",
  "AWS_SNS_REGION",
  "SNS_ORIGINATION_NUMBER",
  "TURNSTILE_SITEVERIFY_URL",
  "EMAIL_PROVIDERS",
  "EMAIL_FROM",
  "WEBHOOK_TIMEOUT_SECONDS",
  "WEBHOOK_RETRY_DELAYS",
  "WEBHOOK_DISABLE_AFTER_DAYS",
  "WEBHOOK_LOST_MESSAGE_SECONDS",
] as const;

export const GATE_SETTINGS = [
  "GATE_AUDIENCES",
  "GATE_TENANTS",
  "ORIGIN_URL",
  "REVOCATION_SYNC_MS",
  "GATE_POLICY",
  "GATE_ALGORITHMS",
  "GATE_REVOCATION_MODE",
  "LOG_LEVEL",
] as const;

/** Set by the stack itself from its ports and stand-ins; a value in the environment is ignored (with a warning). */
export const STACK_OWNED = [
  "ISSUER_URL",
  "DATABASE_URL",
  "NEON_FETCH_ENDPOINT",
  "UPSTASH_REDIS_REST_URL",
  "TWILIO_API_BASE",
  "TWILIO_LOOKUP_BASE",
  "AWS_SNS_ENDPOINT",
  "RESEND_API_BASE",
  "POSTMARK_API_BASE",
  "AWS_SES_REGION",
  "AWS_SES_ENDPOINT",
  "BREACHED_PASSWORDS_URL",
  "LOCAL_STACK",
] as const;

/** The named settings that are set (non-empty) in `env`. */
export function settingsFromEnvironment(names: readonly string[], env: NodeJS.ProcessEnv): Record<string, string> {
  const taken: Record<string, string> = {};
  for (const name of names) {
    const value = env[name];
    if (value !== undefined && value !== "") taken[name] = value;
  }
  return taken;
}

export interface WorkerVars {
  readonly issuer: Readonly<Record<string, string>>;
  readonly gate: Readonly<Record<string, string>>;
}

/** The stack's vars for each worker, with the documented settings set in `env` on top. */
export function withEnvironmentSettings(stack: WorkerVars, env: NodeJS.ProcessEnv): { readonly vars: WorkerVars; readonly settings: WorkerVars } {
  const settings = { issuer: settingsFromEnvironment(ISSUER_SETTINGS, env), gate: settingsFromEnvironment(GATE_SETTINGS, env) };
  return { vars: { issuer: { ...stack.issuer, ...settings.issuer }, gate: { ...stack.gate, ...settings.gate } }, settings };
}

/** The settings whose value is not the worker's own default (its wrangler.toml `[vars]`), for the banner. */
export function changedSettings(settings: Readonly<Record<string, string>>, defaults: Readonly<Record<string, unknown>>): Record<string, string> {
  return Object.fromEntries(Object.entries(settings).filter(([name, value]) => defaults[name] !== value));
}

/** Stack-owned names that are set in `env` and will be ignored. */
export function ignoredStackSettings(env: NodeJS.ProcessEnv): string[] {
  return STACK_OWNED.filter((name) => env[name] !== undefined && env[name] !== "");
}

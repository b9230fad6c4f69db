import { join } from "node:path";
import { applyMigrations } from "../drizzle/migrate";
import { LOCAL_EMAIL_FROM, type LocalSecrets } from "./local-settings";
import { startNeonServer } from "./neon/server";
import { createSqlBackend } from "./neon/sql-backend-factory";
import { startIdentityProvider, type IdentityProvider } from "./identity-provider/server";
import { startDemoOrigin } from "./origin/server";
import { startSmsSandbox, type SmsSandbox } from "./sms/server";
import { SITEVERIFY_PATH } from "./sms/turnstile";
import type { RunningServer } from "./support/http-server";
import { startUpstashServer } from "./upstash/server";
import { createRedisStore } from "./upstash/redis-store-factory";
import type { RedisStore } from "./upstash/redis-store";

export const LOCAL_DATABASE_USER = "portcullis";
export const LOCAL_DATABASE_NAME = "portcullis";
export const LOCAL_SNS_REGION = "us-east-1";
/** Another region than SNS's, so a signature scoped to the wrong one is caught locally too. */
export const LOCAL_SES_REGION = "eu-west-1";

/**
 * The Turnstile secret the SMS sandbox's siteverify accepts when none is given. Fixed, so it
 * survives restarts without being written anywhere; it guards nothing but a loopback emulator.
 */
export const LOCAL_TURNSTILE_SECRET_KEY = "0x4AAAAAAAPortcullisLocalSandboxSecret";

export interface StandInOptions {
  readonly ports: {
    readonly origin: number;
    readonly sms: number;
    readonly neon: number;
    readonly upstash: number;
    /** The local identity provider; a free port when undefined. */
    readonly identityProvider?: number | undefined;
  };
  readonly secrets: LocalSecrets;
  /** Where PGlite, the embedded Redis and the SMS inbox persist; in memory when undefined. */
  readonly dataDir: string | undefined;
  /** Real servers behind the stand-ins, when set. */
  readonly postgresUrl: string | undefined;
  readonly redisUrl: string | undefined;
  /** The secret the sandbox's Turnstile siteverify accepts; LOCAL_TURNSTILE_SECRET_KEY when undefined. */
  readonly turnstileSecretKey?: string | undefined;
  /** The SNS region the sandbox expects in signatures; LOCAL_SNS_REGION when undefined. */
  readonly snsRegion?: string | undefined;
}

export interface StandIns {
  readonly neon: RunningServer;
  readonly upstash: RunningServer;
  /** The store behind the Upstash stand-in, for tests that run a second endpoint on it. */
  readonly redisStore: RedisStore;
  readonly sms: SmsSandbox;
  readonly origin: RunningServer;
  /** The local OpenID Provider with the Google, Microsoft, GitHub and Apple stand-ins. */
  readonly identityProvider: IdentityProvider;
  readonly databaseUrl: string;
  readonly neonFetchEndpoint: string;
  /** The sandbox's stand-in for `https://challenges.cloudflare.com/turnstile/v0/siteverify`. */
  readonly turnstileSiteverifyUrl: string;
  /** The secret it accepts (besides Cloudflare's dummy test secrets). */
  readonly turnstileSecretKey: string;
  readonly snsRegion: string;
  close(): Promise<void>;
}

/** Starts the local stand-ins and applies the migrations through the Neon driver. */
export async function startStandIns(options: StandInOptions): Promise<StandIns> {
  const { secrets, dataDir } = options;
  const turnstileSecretKey = options.turnstileSecretKey ?? LOCAL_TURNSTILE_SECRET_KEY;
  const snsRegion = options.snsRegion ?? LOCAL_SNS_REGION;
  const started: RunningServer[] = [];
  try {
    const sqlBackend = await createSqlBackend({ postgresUrl: options.postgresUrl, dataDir: dataDir && join(dataDir, "pglite") });
    const neon = await startNeonServer({
      port: options.ports.neon,
      backend: sqlBackend,
      credentials: { user: LOCAL_DATABASE_USER, password: secrets.DATABASE_PASSWORD },
    });
    started.push(neon);
    const store = await createRedisStore({ redisUrl: options.redisUrl, file: dataDir && join(dataDir, "upstash.json") });
    const upstash = await startUpstashServer({ port: options.ports.upstash, token: secrets.UPSTASH_REDIS_REST_TOKEN, readOnlyToken: secrets.UPSTASH_REDIS_REST_READONLY_TOKEN, store });
    started.push(upstash);
    const sms = await startSmsSandbox({
      port: options.ports.sms,
      twilio: { accountSid: secrets.TWILIO_ACCOUNT_SID, authToken: secrets.TWILIO_AUTH_TOKEN, messagingServiceSid: secrets.TWILIO_MESSAGING_SERVICE_SID },
      sns: { accessKeyId: secrets.AWS_ACCESS_KEY_ID, secretAccessKey: secrets.AWS_SECRET_ACCESS_KEY, region: snsRegion },
      inboxFile: dataDir && join(dataDir, "sms-inbox.json"),
      turnstile: { secretKey: turnstileSecretKey },
      email: { resendApiKey: secrets.RESEND_API_KEY, postmarkServerToken: secrets.POSTMARK_SERVER_TOKEN, sesRegion: LOCAL_SES_REGION },
      emailInboxFile: dataDir && join(dataDir, "email-inbox.json"),
      webhookInboxFile: dataDir && join(dataDir, "webhook-inbox.json"),
    });
    started.push(sms);
    const origin = await startDemoOrigin({ port: options.ports.origin });
    started.push(origin);
    // Its signing keys persist beside the other stand-ins' state, so a relying party's cached JWKS stays good across restarts.
    const identityProvider = await startIdentityProvider({ port: options.ports.identityProvider ?? 0, keysFile: dataDir && join(dataDir, "identity-provider-keys.json") });
    started.push(identityProvider);

    const databaseUrl = `postgresql://${LOCAL_DATABASE_USER}:${encodeURIComponent(secrets.DATABASE_PASSWORD)}@localhost/${LOCAL_DATABASE_NAME}`;
    const neonFetchEndpoint = `${neon.url}/sql`;
    await applyMigrations(databaseUrl, neonFetchEndpoint);

    return {
      neon,
      upstash,
      redisStore: store,
      sms,
      origin,
      identityProvider,
      databaseUrl,
      neonFetchEndpoint,
      turnstileSiteverifyUrl: `${sms.url}${SITEVERIFY_PATH}`,
      turnstileSecretKey,
      snsRegion,
      close: async () => {
        await Promise.allSettled(started.reverse().map((server) => server.close()));
        await Promise.allSettled([sqlBackend.close(), store.close()]);
      },
    };
  } catch (error) {
    await Promise.allSettled(started.map((server) => server.close()));
    throw error;
  }
}

export interface WorkerUrls {
  readonly issuer: string;
  readonly gate: string;
}

/** The issuer's bindings for the local stack: every vendor URL points at a stand-in. */
export function issuerVars(standIns: StandIns, secrets: LocalSecrets, urls: WorkerUrls): Record<string, string> {
  return {
    // The stand-ins speak plain http on loopback; the workers refuse that without this flag.
    LOCAL_STACK: "true",
    ISSUER_URL: urls.issuer,
    ADMIN_TOKEN: secrets.ADMIN_TOKEN,
    KEY_ENCRYPTION_SECRET: secrets.KEY_ENCRYPTION_SECRET,
    OTP_HASH_SECRET: secrets.OTP_HASH_SECRET,
    DATABASE_URL: standIns.databaseUrl,
    NEON_FETCH_ENDPOINT: standIns.neonFetchEndpoint,
    UPSTASH_REDIS_REST_URL: standIns.upstash.url,
    UPSTASH_REDIS_REST_TOKEN: secrets.UPSTASH_REDIS_REST_TOKEN,
    TWILIO_ACCOUNT_SID: secrets.TWILIO_ACCOUNT_SID,
    TWILIO_AUTH_TOKEN: secrets.TWILIO_AUTH_TOKEN,
    TWILIO_MESSAGING_SERVICE_SID: secrets.TWILIO_MESSAGING_SERVICE_SID,
    TWILIO_API_BASE: standIns.sms.url,
    TWILIO_LOOKUP_BASE: standIns.sms.url,
    TURNSTILE_SITEVERIFY_URL: standIns.turnstileSiteverifyUrl,
    AWS_SNS_REGION: standIns.snsRegion,
    AWS_ACCESS_KEY_ID: secrets.AWS_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: secrets.AWS_SECRET_ACCESS_KEY,
    AWS_SNS_ENDPOINT: standIns.sms.url,
    // Email goes to the same sandbox, which speaks all three providers and the breached-password range API.
    EMAIL_FROM: LOCAL_EMAIL_FROM,
    RESEND_API_KEY: secrets.RESEND_API_KEY,
    RESEND_API_BASE: standIns.sms.url,
    POSTMARK_SERVER_TOKEN: secrets.POSTMARK_SERVER_TOKEN,
    POSTMARK_API_BASE: standIns.sms.url,
    AWS_SES_REGION: LOCAL_SES_REGION,
    AWS_SES_ENDPOINT: standIns.sms.url,
    // The range API of breached passwords (HIBP's shape, `/range/{prefix}`), so nothing leaves the machine.
    BREACHED_PASSWORDS_URL: standIns.sms.url,
    // Social sign-in: the named providers' URLs move to the local identity provider (honoured only with LOCAL_STACK=true).
    LOCAL_GOOGLE_ISSUER: standIns.identityProvider.googleIssuer,
    LOCAL_MICROSOFT_BASE: standIns.identityProvider.microsoftBase,
    LOCAL_GITHUB_BASE_URL: standIns.identityProvider.githubBase,
    LOCAL_GITHUB_API_URL: standIns.identityProvider.githubApi,
    LOCAL_APPLE_ISSUER: standIns.identityProvider.appleIssuer,
    // Webhooks: retries within minutes rather than a day, and a lost queue message (workerd keeps
    // the queue in memory) found again within a minute of a restart.
    WEBHOOK_RETRY_DELAYS: "5,30,120,600",
    WEBHOOK_LOST_MESSAGE_SECONDS: "60",
  };
}

export function gateVars(standIns: StandIns, secrets: LocalSecrets, urls: WorkerUrls): Record<string, string> {
  return {
    LOCAL_STACK: "true",
    ISSUER_URL: urls.issuer,
    // The development gate serves every tenant of its issuer; a deployed gate names its own.
    GATE_TENANTS: "*",
    ORIGIN_URL: standIns.origin.url,
    UPSTASH_REDIS_REST_URL: standIns.upstash.url,
    // A gate only reads revocations: a compromised one cannot delete them.
    UPSTASH_REDIS_REST_TOKEN: secrets.UPSTASH_REDIS_REST_READONLY_TOKEN,
    GATE_SIGNING_SECRET: secrets.GATE_SIGNING_SECRET,
  };
}

import { randomBytes, randomUUID } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";

/** Loopback ports of the local stack (README, Quick start), each movable by an environment variable. */
export interface LocalPorts {
  readonly issuer: number;
  readonly gate: number;
  readonly origin: number;
  readonly sms: number;
  readonly neon: number;
  readonly upstash: number;
  /** The demo web app (examples/oidc-web-app/). */
  readonly demoApp: number;
  /** The local OpenID Provider and the Google, Microsoft, GitHub and Apple stand-ins (dev/identity-provider/). */
  readonly identityProvider: number;
}

export function localPorts(env: NodeJS.ProcessEnv = process.env): LocalPorts {
  return {
    issuer: port(env, "ISSUER_PORT", 8787),
    gate: port(env, "GATE_PORT", 8788),
    origin: port(env, "ORIGIN_PORT", 8789),
    sms: port(env, "SMS_SANDBOX_PORT", 8790),
    neon: port(env, "NEON_PORT", 8791),
    upstash: port(env, "UPSTASH_PORT", 8792),
    demoApp: port(env, "DEMO_APP_PORT", 8793),
    identityProvider: port(env, "IDENTITY_PROVIDER_PORT", 8794),
  };
}

function port(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65535) throw new Error(`${name} must be a TCP port`);
  return value;
}

/** The sender `npm run dev` gives the issuer unless EMAIL_FROM is set; `.localhost` never resolves outside. */
export const LOCAL_EMAIL_FROM = "Portcullis Local <no-reply@portcullis.localhost>";

/**
 * The secrets the local stack needs. Each is taken from the environment when
 * set, else from .dev.vars when a previous run wrote it, else generated, so a
 * restart keeps tokens, keys and sessions valid.
 */
export interface LocalSecrets {
  readonly ADMIN_TOKEN: string;
  readonly KEY_ENCRYPTION_SECRET: string;
  readonly OTP_HASH_SECRET: string;
  readonly GATE_SIGNING_SECRET: string;
  readonly DATABASE_PASSWORD: string;
  readonly UPSTASH_REDIS_REST_TOKEN: string;
  /** The gate's: it only reads revocations. */
  readonly UPSTASH_REDIS_REST_READONLY_TOKEN: string;
  readonly TWILIO_ACCOUNT_SID: string;
  readonly TWILIO_AUTH_TOKEN: string;
  readonly TWILIO_MESSAGING_SERVICE_SID: string;
  readonly AWS_ACCESS_KEY_ID: string;
  readonly AWS_SECRET_ACCESS_KEY: string;
  readonly RESEND_API_KEY: string;
  readonly POSTMARK_SERVER_TOKEN: string;
}

const GENERATORS: { readonly [K in keyof LocalSecrets]: () => string } = {
  ADMIN_TOKEN: () => `adm_${token(32)}`,
  KEY_ENCRYPTION_SECRET: () => token(32),
  OTP_HASH_SECRET: () => token(32),
  GATE_SIGNING_SECRET: () => token(32),
  DATABASE_PASSWORD: () => token(18),
  UPSTASH_REDIS_REST_TOKEN: () => token(24),
  UPSTASH_REDIS_REST_READONLY_TOKEN: () => token(24),
  TWILIO_ACCOUNT_SID: () => `AC${randomBytes(16).toString("hex")}`,
  TWILIO_AUTH_TOKEN: () => randomBytes(16).toString("hex"),
  TWILIO_MESSAGING_SERVICE_SID: () => `MG${randomBytes(16).toString("hex")}`,
  AWS_ACCESS_KEY_ID: () => `AKIA${randomBytes(8).toString("hex").toUpperCase()}`,
  AWS_SECRET_ACCESS_KEY: () => randomBytes(30).toString("base64url"),
  RESEND_API_KEY: () => `re_${token(24)}`,
  POSTMARK_SERVER_TOKEN: () => randomUUID(),
};

export function resolveSecrets(saved: Readonly<Record<string, string>>, env: NodeJS.ProcessEnv = process.env): LocalSecrets {
  const entries = Object.entries(GENERATORS).map(([name, generate]) => [name, env[name] || saved[name] || generate()]);
  return Object.fromEntries(entries) as Record<keyof LocalSecrets, string>;
}

function token(bytes: number): string {
  return randomBytes(bytes).toString("base64url");
}

/** Parses a dotenv-style file (`NAME=value`, `#` comments, optional double quotes). */
export function readVarsFile(path: string): Record<string, string> {
  if (!existsSync(path)) return {};
  const vars: Record<string, string> = {};
  for (const line of readFileSync(path, "utf8").split(/\r?\n/)) {
    const match = /^\s*([A-Z0-9_]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (!match?.[1]) continue;
    const raw = match[2] ?? "";
    vars[match[1]] = raw.startsWith('"') && raw.endsWith('"') ? (JSON.parse(raw) as string) : raw;
  }
  return vars;
}

export function formatVarsFile(header: string, vars: Readonly<Record<string, string>>): string {
  const lines = Object.entries(vars).map(([name, value]) => `${name}=${JSON.stringify(value)}`);
  return `# ${header}\n${lines.join("\n")}\n`;
}

import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readVarsFile } from "../../../dev/local-settings";
import { ConfigError } from "../../../shared/config/env-reader";
import { parseGateConfig } from "../../../shared/config/gate-config";
import { parseIssuerConfig } from "../../../shared/config/issuer-config";

const root = join(import.meta.dirname, "../../..");

function random(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

/** A production-shaped issuer: https everywhere, real-looking credentials, no local flag. */
function issuerEnv(): Record<string, string> {
  return {
    ISSUER_URL: "https://auth.example.net",
    DEFAULT_AUDIENCE: "portcullis",
    ADMIN_TOKEN: random(),
    KEY_ENCRYPTION_SECRET: random(),
    OTP_HASH_SECRET: random(),
    DATABASE_URL: `postgresql://app:${random(12)}@ep-cool-sun-123456.us-east-2.aws.neon.tech/app`,
    UPSTASH_REDIS_REST_URL: "https://eu1-sharp-fox-12345.upstash.io",
    UPSTASH_REDIS_REST_TOKEN: random(),
    TWILIO_ACCOUNT_SID: `AC${randomBytes(16).toString("hex")}`,
    TWILIO_AUTH_TOKEN: randomBytes(16).toString("hex"),
    TWILIO_MESSAGING_SERVICE_SID: `MG${randomBytes(16).toString("hex")}`,
    AWS_ACCESS_KEY_ID: `AKIA${randomBytes(8).toString("hex").toUpperCase()}`,
    AWS_SECRET_ACCESS_KEY: random(30),
  };
}

function gateEnv(): Record<string, string> {
  return {
    ISSUER_URL: "https://auth.example.net",
    GATE_AUDIENCES: "portcullis",
    ORIGIN_URL: "https://app.example.net",
    UPSTASH_REDIS_REST_URL: "https://eu1-sharp-fox-12345.upstash.io",
    UPSTASH_REDIS_REST_TOKEN: random(),
    GATE_SIGNING_SECRET: random(),
  };
}

/** The non-empty values of an example vars file. */
function exampleValues(file: string): [string, string][] {
  return Object.entries(readVarsFile(join(root, "dev", file))).filter(([, value]) => value !== "");
}

const LOCAL_ONLY_ENDPOINTS = ["NEON_FETCH_ENDPOINT", "TWILIO_API_BASE", "TWILIO_LOOKUP_BASE", "AWS_SNS_ENDPOINT", "TURNSTILE_SITEVERIFY_URL", "UPSTASH_REDIS_REST_URL"];

describe("configuration that would leak secrets in production", () => {
  it("accepts a production-shaped configuration", () => {
    expect(parseIssuerConfig(issuerEnv()).sms.twilio?.apiBase).toBe("https://api.twilio.com");
    expect(parseGateConfig(gateEnv()).redis.url).toBe("https://eu1-sharp-fox-12345.upstash.io");
  });

  it("refuses every placeholder of dev/issuer.vars.example, naming the variable", () => {
    const placeholders = exampleValues("issuer.vars.example");
    expect(placeholders.length).toBeGreaterThanOrEqual(10);
    for (const [name, value] of placeholders) {
      expect(() => parseIssuerConfig({ ...issuerEnv(), [name]: value }), name).toThrow(new ConfigError(`${name} is still the example's placeholder; set a real value`));
    }
  });

  it("refuses every placeholder of dev/gate.vars.example, naming the variable", () => {
    const placeholders = exampleValues("gate.vars.example");
    expect(placeholders.length).toBeGreaterThanOrEqual(3);
    for (const [name, value] of placeholders) {
      expect(() => parseGateConfig({ ...gateEnv(), [name]: value }), name).toThrow(new ConfigError(`${name} is still the example's placeholder; set a real value`));
    }
  });

  it.each(LOCAL_ONLY_ENDPOINTS)("refuses a plain-http %s, which would receive credentials in clear", (name) => {
    expect(() => parseIssuerConfig({ ...issuerEnv(), [name]: "http://127.0.0.1:8790" })).toThrow(
      new ConfigError(`${name} must be an https URL (http is allowed only with LOCAL_STACK=true)`),
    );
  });

  it("refuses a plain-http Upstash address on the gate", () => {
    expect(() => parseGateConfig({ ...gateEnv(), UPSTASH_REDIS_REST_URL: "http://10.0.0.5:8080" })).toThrow("UPSTASH_REDIS_REST_URL must be an https URL");
  });

  it("refuses an endpoint override in another scheme even on the local stack", () => {
    expect(() => parseIssuerConfig({ ...issuerEnv(), LOCAL_STACK: "true", TWILIO_API_BASE: "ftp://127.0.0.1" })).toThrow("TWILIO_API_BASE must be an https URL");
    expect(() => parseIssuerConfig({ ...issuerEnv(), AWS_SNS_ENDPOINT: "not a url" })).toThrow("AWS_SNS_ENDPOINT must be an absolute URL");
  });

  it("lets the local stack (LOCAL_STACK=true) point every endpoint at http stand-ins", () => {
    const local = Object.fromEntries(LOCAL_ONLY_ENDPOINTS.map((name) => [name, "http://127.0.0.1:8790"]));
    const config = parseIssuerConfig({ ...issuerEnv(), ...local, LOCAL_STACK: "true" });
    expect(config.sms.sns?.endpoint).toBe("http://127.0.0.1:8790");
    expect(config.database.fetchEndpoint).toBe("http://127.0.0.1:8790");
    expect(parseGateConfig({ ...gateEnv(), UPSTASH_REDIS_REST_URL: "http://127.0.0.1:8792", LOCAL_STACK: "true" }).redis.url).toBe("http://127.0.0.1:8792");
  });

  it("reads LOCAL_STACK strictly: only true turns it on, and a typo stops the worker", () => {
    expect(() => parseIssuerConfig({ ...issuerEnv(), LOCAL_STACK: "false", TWILIO_API_BASE: "http://127.0.0.1" })).toThrow("TWILIO_API_BASE must be an https URL");
    expect(() => parseIssuerConfig({ ...issuerEnv(), LOCAL_STACK: "yes" })).toThrow(new ConfigError("LOCAL_STACK must be true or false"));
  });

  it("never puts LOCAL_STACK in a deployed worker's wrangler.toml", () => {
    for (const file of ["wrangler.toml", "workers/gate/wrangler.toml"]) expect(readFileSync(join(root, file), "utf8")).not.toMatch(/LOCAL_STACK/);
  });
});

describe("the breached-passwords range API address (BREACHED_PASSWORDS_URL)", () => {
  it("defaults to Have I Been Pwned's Pwned Passwords API", () => {
    expect(parseIssuerConfig(issuerEnv()).breachedPasswordsUrl).toBe("https://api.pwnedpasswords.com");
  });

  it("takes an https override, without its trailing slash", () => {
    expect(parseIssuerConfig({ ...issuerEnv(), BREACHED_PASSWORDS_URL: "https://pwned.example.net/" }).breachedPasswordsUrl).toBe("https://pwned.example.net");
  });

  it("refuses a plain-http address outside the local stack, and takes one on it", () => {
    expect(() => parseIssuerConfig({ ...issuerEnv(), BREACHED_PASSWORDS_URL: "http://127.0.0.1:8790" })).toThrow(
      new ConfigError("BREACHED_PASSWORDS_URL must be an https URL (http is allowed only with LOCAL_STACK=true)"),
    );
    expect(parseIssuerConfig({ ...issuerEnv(), LOCAL_STACK: "true", BREACHED_PASSWORDS_URL: "http://127.0.0.1:8790" }).breachedPasswordsUrl).toBe("http://127.0.0.1:8790");
  });
});

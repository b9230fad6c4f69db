/**
 * Reads untyped worker bindings into typed values. Configuration errors are
 * programming or deployment errors, so they throw with the variable's name
 * (never its value) and the worker refuses to serve rather than guess.
 */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

export type RawEnv = Readonly<Record<string, unknown>>;

export function requiredString(env: RawEnv, name: string): string {
  const value = env[name];
  if (typeof value !== "string" || value.trim() === "") throw new ConfigError(`${name} is required`);
  return value.trim();
}

export function optionalString(env: RawEnv, name: string): string | undefined {
  const value = env[name];
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "string") throw new ConfigError(`${name} must be a string`);
  return value.trim();
}

export function integerSetting(env: RawEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = optionalString(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(`${name} must be a whole number`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(`${name} must be between ${min} and ${max}`);
  return value;
}

export function urlSetting(env: RawEnv, name: string): string {
  const value = requiredString(env, name);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${name} must be an absolute URL`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new ConfigError(`${name} must be an http(s) URL`);
  return value.replace(/\/+$/, "");
}

export function listSetting(env: RawEnv, name: string, fallback: readonly string[]): readonly string[] {
  const raw = optionalString(env, name);
  if (raw === undefined) return fallback;
  return Object.freeze(raw.split(",").map((item) => item.trim()).filter((item) => item !== ""));
}

/** Secrets that protect stored data must be long enough to resist guessing. */
export function secretSetting(env: RawEnv, name: string, minLength = 32): string {
  const value = credentialSetting(env, name);
  if (value.length < minLength) throw new ConfigError(`${name} must be at least ${minLength} characters`);
  return value;
}

/**
 * The placeholders of `dev/*.vars.example` and their like. Some are long enough to pass a length
 * check, and a deployment that copied the example would run with secrets everyone knows.
 */
const PLACEHOLDERS: readonly RegExp[] = [/change-?me/i, /^(AC|MG)x+$/i, /^AKIAEXAMPLE$/i, /\bexample\.upstash\.io\b/i, /\bep-example\./i, /\/\/user:password@/i];

/** A credential (or a URL that carries one): required, and never a known placeholder. */
export function credentialSetting(env: RawEnv, name: string): string {
  const value = requiredString(env, name);
  if (PLACEHOLDERS.some((pattern) => pattern.test(value))) throw new ConfigError(`${name} is still the example's placeholder; set a real value`);
  return value;
}

/** An optional credential (e.g. the account id that switches a provider on), checked like `credentialSetting` when set. */
export function optionalCredential(env: RawEnv, name: string): string | undefined {
  return optionalString(env, name) === undefined ? undefined : credentialSetting(env, name);
}

/**
 * `LOCAL_STACK=true` is set only by the local stack (`npm run dev`, the tests): it lets
 * credential-bearing endpoints be plain `http://` stand-ins on loopback. Never set it in production.
 */
export function localStackSetting(env: RawEnv): boolean {
  const raw = optionalString(env, "LOCAL_STACK");
  if (raw === undefined || raw === "false") return false;
  if (raw === "true") return true;
  throw new ConfigError("LOCAL_STACK must be true or false");
}

/**
 * An address that receives credentials (a token, a signed request, a secret): `https://`
 * only, unless `localStack` allows the stand-ins' `http://`.
 */
export function credentialUrl(name: string, value: string, localStack: boolean): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${name} must be an absolute URL`);
  }
  if (url.protocol === "https:" || (localStack && url.protocol === "http:")) return value.replace(/\/+$/, "");
  throw new ConfigError(`${name} must be an https URL (http is allowed only with LOCAL_STACK=true)`);
}

/** An optional override of a vendor's address, checked as `credentialUrl`; `fallback` when unset. */
export function endpointOverride(env: RawEnv, name: string, fallback: string, localStack: boolean): string {
  const value = optionalString(env, name);
  return value === undefined ? fallback : credentialUrl(name, value, localStack);
}

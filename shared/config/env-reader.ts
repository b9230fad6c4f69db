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
  const value = requiredString(env, name);
  if (value.length < minLength) throw new ConfigError(`${name} must be at least ${minLength} characters`);
  return value;
}

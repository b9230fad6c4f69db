/**
 * The soak's knobs, read from the environment once. vitest.config.ts derives the
 * project's timeouts from them, so a longer soak never trips a timeout.
 */
export interface SoakSettings {
  /** How long the virtual users keep starting new cycles (`SOAK_SECONDS`, default 60). */
  readonly seconds: number;
  /** How many virtual users run at once (`SOAK_CONCURRENCY`, default 8: enough to keep two cores busy). */
  readonly concurrency: number;
  /** Seeds the choice of scenario per cycle (`SOAK_SEED`, default random); printed so a run can be repeated. */
  readonly seed: number;
}

export function soakSettings(env: NodeJS.ProcessEnv = process.env): SoakSettings {
  return {
    seconds: positiveInteger(env, "SOAK_SECONDS", 60, 3_600),
    concurrency: positiveInteger(env, "SOAK_CONCURRENCY", 8, 256),
    seed: positiveInteger(env, "SOAK_SEED", Math.floor(Math.random() * 2 ** 31), 2 ** 31),
  };
}

/** Starting the stack (two `wrangler dev`, migrations) on a busy machine: cold start is ~4 s alone, so allow plenty. */
const STARTUP_ALLOWANCE_MS = 240_000;
/** After the load: cycles in flight finish, revocations are probed, late delivery reports are awaited, the audit log is read. */
const WIND_DOWN_ALLOWANCE_MS = 420_000;

/** The hook that starts the stack and runs the whole soak gets the lot; nothing here is a performance bound. */
export function soakTimeouts(settings: SoakSettings): { testTimeout: number; hookTimeout: number } {
  return { testTimeout: 60_000, hookTimeout: STARTUP_ALLOWANCE_MS + settings.seconds * 1000 + WIND_DOWN_ALLOWANCE_MS };
}

function positiveInteger(env: NodeJS.ProcessEnv, name: string, fallback: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > max) throw new Error(`${name} must be an integer from 1 to ${max}, got ${JSON.stringify(raw)}`);
  return value;
}

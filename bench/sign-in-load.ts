/**
 * A closed-loop load generator for a multi-step flow: `concurrency` clients, each starting its
 * next sign-in when the last one finished. Each step is timed on its own; only sign-ins whose
 * every step succeeded count, and a failure is tallied by its description.
 */

/** The steps of one sign-in, timed in milliseconds. */
export interface SignInTimings {
  readonly request: number;
  readonly code: number;
  readonly verify: number;
}

/** Called between the two calls of a sign-in, for counting what each one did. */
export interface SignInHooks {
  afterRequest(): void;
  beforeVerify(): Promise<void>;
}

/** One complete sign-in, or throws a short description of the step that failed (it becomes the error's label). */
export type SignInFlow = (hooks?: SignInHooks) => Promise<SignInTimings>;

export interface SignInRun {
  readonly completed: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly samples: readonly (SignInTimings & { readonly total: number })[];
  readonly errors: ReadonlyMap<string, number>;
}

export async function runSignInLoad(flow: SignInFlow, options: { concurrency: number; durationMs: number }): Promise<SignInRun> {
  const samples: (SignInTimings & { total: number })[] = [];
  const errors = new Map<string, number>();
  const started = performance.now();
  const deadline = started + options.durationMs;
  const client = async () => {
    while (performance.now() < deadline) {
      const begun = performance.now();
      try {
        const timings = await flow();
        samples.push({ ...timings, total: performance.now() - begun });
      } catch (error) {
        const label = error instanceof Error ? error.message : String(error);
        errors.set(label, (errors.get(label) ?? 0) + 1);
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, client));
  const seconds = (performance.now() - started) / 1000;
  return { completed: samples.length, seconds, perSecond: samples.length / seconds, samples, errors };
}

/** Times one step; a step that throws fails the whole sign-in. */
export async function timed<T>(step: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const begun = performance.now();
  const value = await step();
  return { value, ms: performance.now() - begun };
}

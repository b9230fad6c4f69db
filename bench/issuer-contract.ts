/**
 * What `bench/issuer.ts` provides when present: the issuer's sign-in
 * throughput against better-auth's, measured in the same run. The
 * orchestrator (bench/run.ts) imports it only if the file exists.
 */
export interface IssuerBenchOptions {
  /** A PostgreSQL the measurement may create throwaway databases in. */
  readonly postgresUrl: string;
  /** The SMS sandbox of the running stack, when the measurement wants to reuse it. */
  readonly smsSandboxUrl?: string;
  /** How long to measure each side. */
  readonly durationMs: number;
}

export interface IssuerBenchResult {
  readonly ours_per_second: number;
  readonly better_auth_per_second: number;
  /** ours_per_second / better_auth_per_second. */
  readonly ratio: number;
  /** A section for the results file, with its own heading, method and tables. */
  readonly markdown: string;
}

export type MeasureIssuerVsBetterAuth = (options: IssuerBenchOptions) => Promise<IssuerBenchResult>;

export interface ProbeResult {
  readonly up: boolean;
  readonly latencyMs: number;
}

/** One dependency that /health asks about. A probe never throws; a failure is `up: false`. */
export interface DependencyProbe {
  check(): Promise<ProbeResult>;
}

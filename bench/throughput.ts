import type { LoadClient, LoadResult } from "./load";
import { median } from "./statistics";
import { processCpuMs } from "./process-cpu";

export interface Scenario {
  readonly name: string;
  readonly url: string;
  readonly tokenFile: string;
}

/** A scenario's rounds, summarised: medians of each figure, errors summed. */
export interface ScenarioSummary extends Omit<LoadResult, "requests"> {
  readonly name: string;
  /** CPU time the workerd serving the scenario used per request (µs), median over rounds; null without /proc. */
  readonly workerdCpuMicros: number | null;
  readonly rounds: readonly MeasuredRound[];
}

export interface MeasuredRound extends LoadResult {
  readonly workerdCpuMicros: number | null;
}

export interface ThroughputOptions {
  readonly connections: number;
  readonly roundMs: number;
  readonly rounds: number;
  readonly warmupMs: number;
  /** The workerd process serving every scenario: its CPU time per request is reported. */
  readonly workerdPid: number;
}

/**
 * Every scenario once to warm up, then `rounds` rounds in which each runs for
 * `roundMs`; the order rotates each round so drift (other load on the
 * machine, a warming JIT) hits every scenario alike. Medians over rounds.
 */
export async function measureThroughput(load: LoadClient, scenarios: readonly Scenario[], options: ThroughputOptions, onRound?: (line: string) => void): Promise<ScenarioSummary[]> {
  const job = async (scenario: Scenario, durationMs: number): Promise<MeasuredRound> => {
    const cpuBefore = processCpuMs(options.workerdPid);
    const result = await load.run({ url: scenario.url, connections: options.connections, durationMs, tokenFile: scenario.tokenFile });
    const cpuAfter = processCpuMs(options.workerdPid);
    const workerdCpuMicros = cpuBefore === null || cpuAfter === null || result.requests === 0 ? null : ((cpuAfter - cpuBefore) * 1000) / result.requests;
    return { ...result, workerdCpuMicros };
  };
  for (const scenario of scenarios) await job(scenario, options.warmupMs);
  const results = new Map<string, MeasuredRound[]>(scenarios.map((scenario) => [scenario.name, []]));
  for (let round = 0; round < options.rounds; round += 1) {
    const order = scenarios.map((_, index) => scenarios[(index + round) % scenarios.length]).filter((scenario): scenario is Scenario => scenario !== undefined);
    for (const scenario of order) {
      const result = await job(scenario, options.roundMs);
      results.get(scenario.name)?.push(result);
      onRound?.(`round ${round + 1}/${options.rounds}  ${scenario.name.padEnd(34)} ${result.perSecond.toFixed(0).padStart(6)} req/s  p50 ${result.p50Ms} ms  workerd ${result.workerdCpuMicros?.toFixed(0) ?? "?"} µs/request  errors ${result.errors}`);
    }
  }
  return scenarios.map((scenario) => {
    const rounds = results.get(scenario.name) ?? [];
    return {
      name: scenario.name,
      perSecond: median(rounds.map((run) => run.perSecond)),
      p50Ms: median(rounds.map((run) => run.p50Ms)),
      p90Ms: median(rounds.map((run) => run.p90Ms)),
      p99Ms: median(rounds.map((run) => run.p99Ms)),
      errors: rounds.reduce((sum, run) => sum + run.errors, 0),
      errorKinds: rounds.reduce<Record<string, number>>((kinds, run) => {
        for (const [kind, count] of Object.entries(run.errorKinds)) kinds[kind] = (kinds[kind] ?? 0) + count;
        return kinds;
      }, {}),
      workerdCpuMicros: rounds.every((run) => run.workerdCpuMicros !== null) ? median(rounds.map((run) => run.workerdCpuMicros ?? 0)) : null,
      rounds,
    };
  });
}

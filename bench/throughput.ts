import type { LoadClient, LoadResult } from "./load";
import { processCpuMs, waitUntilIdle } from "./process-cpu";
import { spread, type Spread } from "./statistics";

export interface Scenario {
  readonly name: string;
  readonly url: string;
  readonly tokenFile: string;
}

/** A scenario's rounds, summarised: medians with their spread over rounds, errors summed. */
export interface ScenarioSummary extends Omit<LoadResult, "requests"> {
  readonly name: string;
  readonly perSecondSpread: Spread;
  /** CPU time the workerd serving the scenario used per request (µs), median over rounds; null without /proc. */
  readonly workerdCpuMicros: number | null;
  readonly cpuSpread: Spread | null;
  /** Set when a round served nothing: the scenario was left out of the rounds after it. */
  readonly stalled: { readonly round: number; readonly errors: number } | null;
  readonly rounds: readonly MeasuredRound[];
}

export interface MeasuredRound extends LoadResult {
  readonly round: number;
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

/** After a stall, the next scenario waits until workerd uses less than this share of a core (or the wait ends). */
const SETTLED_CPU_SHARE = 0.1;
const SETTLE_WAIT_MS = 60_000;

/**
 * Every scenario once to warm up, then `rounds` rounds in which each runs for
 * `roundMs`; the order rotates each round so drift (other load on the
 * machine, a warming JIT) hits every scenario alike. A round that serves no
 * request marks its scenario stalled: it is left out of later rounds, and the
 * next scenario starts only once workerd has worked off what the stall left
 * behind, so one stuck scenario does not poison the others.
 */
export async function measureThroughput(load: LoadClient, scenarios: readonly Scenario[], options: ThroughputOptions, onRound?: (line: string) => void): Promise<ScenarioSummary[]> {
  const stalled = new Map<string, { round: number; errors: number }>();
  const results = new Map<string, MeasuredRound[]>(scenarios.map((scenario) => [scenario.name, []]));
  const job = async (scenario: Scenario, durationMs: number, round: number): Promise<MeasuredRound> => {
    const cpuBefore = processCpuMs(options.workerdPid);
    const result = await load.run({ url: scenario.url, connections: options.connections, durationMs, tokenFile: scenario.tokenFile });
    const cpuAfter = processCpuMs(options.workerdPid);
    const workerdCpuMicros = cpuBefore === null || cpuAfter === null || result.requests === 0 ? null : ((cpuAfter - cpuBefore) * 1000) / result.requests;
    const measured = { ...result, round, workerdCpuMicros };
    if (result.requests - result.errors <= 0) {
      stalled.set(scenario.name, { round, errors: result.errors });
      onRound?.(`${scenario.name} stalled in ${round === 0 ? "its warm-up" : `round ${round}`} (${result.requests} requests, ${result.errors} errors): left out of the rounds after it`);
      await waitUntilIdle(options.workerdPid, { shareOfCore: SETTLED_CPU_SHARE, intervalMs: 500, maxWaitMs: SETTLE_WAIT_MS });
    }
    return measured;
  };
  for (const scenario of scenarios) await job(scenario, options.warmupMs, 0);
  for (let round = 1; round <= options.rounds; round += 1) {
    const order = scenarios.map((_, index) => scenarios[(index + round - 1) % scenarios.length]).filter((scenario): scenario is Scenario => scenario !== undefined);
    for (const scenario of order) {
      if (stalled.has(scenario.name)) continue;
      const result = await job(scenario, options.roundMs, round);
      results.get(scenario.name)?.push(result);
      onRound?.(`round ${round}/${options.rounds}  ${scenario.name.padEnd(34)} ${result.perSecond.toFixed(0).padStart(6)} req/s  p50 ${result.p50Ms} ms  workerd ${result.workerdCpuMicros?.toFixed(0) ?? "?"} µs/request  errors ${result.errors}`);
    }
  }
  return scenarios.map((scenario) => summarize(scenario.name, results.get(scenario.name) ?? [], stalled.get(scenario.name) ?? null));
}

function summarize(name: string, rounds: readonly MeasuredRound[], stalled: ScenarioSummary["stalled"]): ScenarioSummary {
  const perSecond = spread(rounds.map((run) => run.perSecond));
  const cpu = rounds.length > 0 && rounds.every((run) => run.workerdCpuMicros !== null) ? spread(rounds.map((run) => run.workerdCpuMicros ?? 0)) : null;
  return {
    name,
    perSecond: perSecond.median,
    perSecondSpread: perSecond,
    p50Ms: spread(rounds.map((run) => run.p50Ms)).median,
    p90Ms: spread(rounds.map((run) => run.p90Ms)).median,
    p99Ms: spread(rounds.map((run) => run.p99Ms)).median,
    errors: rounds.reduce((sum, run) => sum + run.errors, 0),
    errorKinds: rounds.reduce<Record<string, number>>((kinds, run) => {
      for (const [kind, count] of Object.entries(run.errorKinds)) kinds[kind] = (kinds[kind] ?? 0) + count;
      return kinds;
    }, {}),
    workerdCpuMicros: cpu?.median ?? null,
    cpuSpread: cpu,
    stalled,
    rounds,
  };
}

/**
 * Per round, one scenario's figure minus another's, over the rounds both ran: the two
 * share each round's conditions, so the difference carries less of the machine's drift.
 */
export function pairedDifference(ours: ScenarioSummary | undefined, base: ScenarioSummary | undefined, figure: (round: MeasuredRound) => number | null): Spread | null {
  if (!ours || !base) return null;
  const differences: number[] = [];
  for (const round of ours.rounds) {
    const other = base.rounds.find((candidate) => candidate.round === round.round);
    const a = figure(round);
    const b = other ? figure(other) : null;
    if (a !== null && b !== null) differences.push(a - b);
  }
  return differences.length === 0 ? null : spread(differences);
}

/** Per round, one scenario's figure divided by another's, over the rounds both ran. */
export function pairedRatio(ours: ScenarioSummary | undefined, base: ScenarioSummary | undefined, figure: (round: MeasuredRound) => number): Spread | null {
  if (!ours || !base) return null;
  const ratios: number[] = [];
  for (const round of ours.rounds) {
    const other = base.rounds.find((candidate) => candidate.round === round.round);
    if (other && figure(other) > 0) ratios.push(figure(round) / figure(other));
  }
  return ratios.length === 0 ? null : spread(ratios);
}

import { readFileSync } from "node:fs";

/** Clock ticks per second of /proc/<pid>/stat on Linux. */
const TICKS_PER_SECOND = 100;

/**
 * CPU time (user + system, every thread) a process has used so far, in
 * milliseconds, from /proc/<pid>/stat. Its resolution is 10 ms, fine for
 * rounds of seconds. Null where /proc is not available.
 */
export function processCpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name may hold spaces; the fields after its closing parenthesis are fixed.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? (ticks * 1000) / TICKS_PER_SECOND : null;
  } catch {
    return null;
  }
}

/** CPU time this Node process has used so far, in milliseconds. */
export function ownCpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/**
 * Waits until a process uses less than `shareOfCore` of one core over `intervalMs`, or
 * `maxWaitMs` have passed; returns how long it waited. For "the process has finished
 * what it was doing" (starting up, working off a backlog) before the next measurement.
 */
export async function waitUntilIdle(pid: number, options: { readonly shareOfCore: number; readonly intervalMs: number; readonly maxWaitMs: number }): Promise<number> {
  const started = performance.now();
  let before = processCpuMs(pid);
  while (before !== null && performance.now() - started < options.maxWaitMs) {
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs));
    const after = processCpuMs(pid);
    if (after === null || after - before < options.intervalMs * options.shareOfCore) break;
    before = after;
  }
  return performance.now() - started;
}

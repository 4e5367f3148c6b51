/**
 * CPU time and context switches of whole processes (all their threads) from /proc, for
 * benchmarks whose work is spread over several processes (a host, worker processes, Redis).
 * Linux only: elsewhere the readings are NaN and reports leave them out.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's utime and stime (USER_HZ, 100 on Linux). */
const TICKS_PER_S = 100;

/** CPU seconds used so far by process `pid` (user + system), NaN when /proc cannot tell. */
export function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    // Fields after the command name, which may itself hold spaces: utime and stime are 14 and 15.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_S;
  } catch {
    return NaN;
  }
}

/**
 * Context switches so far of the threads of process `pid` (each time one slept or was
 * preempted), NaN when /proc cannot tell. Where waking a thread is dear (a VM), they show
 * what a design that hands work between threads costs beyond its own code.
 */
export function contextSwitches(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    let n = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const status = readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8');
      for (const m of status.matchAll(/ctxt_switches:\s+(\d+)/g)) n += Number(m[1]);
    }
    return n;
  } catch {
    return NaN;
  }
}

/**
 * CPU µs and context switches per unit of work that `fn` caused in each named process.
 *
 * @example
 * const { result, perUnit, switchesPerUnit } = await cpuPerUnit({ host: process.pid, redis: pid }, 3000, run);
 */
export async function cpuPerUnit<T>(
  pids: Record<string, number | undefined>,
  units: number,
  fn: () => Promise<T>,
): Promise<{ result: T; perUnit: Record<string, number>; switchesPerUnit: Record<string, number> }> {
  const read = (measure: (pid: number | undefined) => number) =>
    Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, measure(pid)]));
  const cpu0 = read(cpuSeconds);
  const switches0 = read(contextSwitches);
  const result = await fn();
  const cpu1 = read(cpuSeconds);
  const switches1 = read(contextSwitches);
  const per = (a: Record<string, number>, b: Record<string, number>, scale: number) =>
    Object.fromEntries(Object.keys(pids).map((k) => [k, ((b[k]! - a[k]!) * scale) / units]));
  return { result, perUnit: per(cpu0, cpu1, 1e6), switchesPerUnit: per(switches0, switches1, 1) };
}

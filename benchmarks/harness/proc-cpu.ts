/**
 * CPU time of whole processes (all their threads) from /proc, for benchmarks whose work is
 * spread over several processes (a host, worker processes, Redis). Linux only: elsewhere the
 * readings are NaN and reports leave them out.
 */
import { readFileSync } from 'node:fs';

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
 * CPU µs per unit of work that `fn` used in each named process.
 *
 * @example
 * const { result, perUnit } = await cpuPerUnit({ host: process.pid, redis: pid }, 3000, run);
 */
export async function cpuPerUnit<T>(
  pids: Record<string, number | undefined>,
  units: number,
  fn: () => Promise<T>,
): Promise<{ result: T; perUnit: Record<string, number> }> {
  const before = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpuSeconds(pid)]));
  const result = await fn();
  const perUnit = Object.fromEntries(
    Object.entries(pids).map(([k, pid]) => [k, ((cpuSeconds(pid) - before[k]!) * 1e6) / units]),
  );
  return { result, perUnit };
}

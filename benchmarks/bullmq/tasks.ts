/** Tasks served by the benchmark's worker processes (to both sides where it applies). */

/** Trivial: the cost measured is the trip, not the task. */
export function inc(x: number): number {
  return x + 1;
}

/** CPU-bound for `ms`. */
export function spin(ms: number): number {
  const end = performance.now() + ms;
  while (performance.now() < end);
  return ms;
}

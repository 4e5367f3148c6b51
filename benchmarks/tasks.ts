/**
 * The task functions every contender runs, defined once so that all of them do exactly
 * the same work. Each is self-contained (no closures, no helpers, no imports) so that
 * rxjs-futures can ship it by source, while the peers' worker files import it.
 *
 * - `inc`: the trivial task of the overhead scenario (`x => x + 1`).
 * - `spin`: a deterministic busy loop of `n` iterations (FNV-style hashing), calibrated
 *   once per run to ~5 ms (CPU-bound) and ~2 µs (tiny). Its result depends on every
 *   iteration, so the JIT cannot drop the loop.
 * - `busyFor`: a wall-clock busy loop of `ms` milliseconds (the cancel scenario).
 */

export function inc(x: number): number {
  return x + 1;
}

export function spin(n: number): number {
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < n; i++) {
    h ^= i;
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}

export function busyFor(ms: number): number {
  const end = Date.now() + ms;
  let x = 0;
  while (Date.now() < end) x++;
  return x;
}

export const TASKS = { inc, spin, busyFor } as const;
export type TaskName = keyof typeof TASKS;

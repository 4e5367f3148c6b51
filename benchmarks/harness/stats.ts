/**
 * Small helpers for the harness: medians, timing, a timeout guard, and the one-time
 * calibration of the `spin` busy loop (iterations for ~5 ms and ~2 µs on this machine).
 */
import { performance } from 'node:perf_hooks';
import { spin } from '../tasks.js';

export const now = (): number => performance.now();
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Rejects with a clear message if `p` takes longer than `ms`. */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, rej) => {
    timer = setTimeout(() => rej(new Error(`${what}: no result after ${ms} ms`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/** ms per call of `spin(n)`, median of a few timed batches after a JIT warm-up. */
function timeSpin(n: number, calls: number): number {
  const runs: number[] = [];
  for (let r = 0; r < 7; r++) {
    const t0 = now();
    let acc = 0;
    for (let i = 0; i < calls; i++) acc ^= spin(n + (i & 1));
    runs.push((now() - t0) / calls + (acc === -1 ? 1 : 0));
  }
  return median(runs);
}

/** Iterations of `spin` that take `targetMs` on the main thread. */
export function calibrateSpin(targetMs: number): number {
  spin(2_000_000); // warm the JIT
  let n = 100_000;
  for (let i = 0; i < 6; i++) {
    const ms = timeSpin(n, targetMs < 0.1 ? 5000 : 3);
    n = Math.max(1, Math.round((n * targetMs) / ms));
  }
  return n;
}

export function fmtNum(x: number, digits = 3): string {
  if (!isFinite(x)) return '—';
  if (Math.abs(x) >= 1000) return Math.round(x).toLocaleString('en-US');
  return Number(x.toPrecision(digits)).toString();
}

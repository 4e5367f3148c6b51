/** Module tasks of the streaming benchmark (rxjs-futures side). */
import { currentSignal } from 'rxjs-futures/worker';

/** 0 … n-1, as an async generator. */
export async function* count(n: number): AsyncGenerator<number> {
  for (let i = 0; i < n; i++) yield i;
}

/** 0, 1, 2, … for ever, each value carrying a small payload (the memory scenario). */
export async function* forever(): AsyncGenerator<{ i: number; text: string }> {
  for (let i = 0; ; i++) yield { i, text: `line ${i}: the quick brown fox jumps over the lazy dog` };
}

/** Runs until its signal aborts, then settles at once: a cooperative task. */
export async function untilAborted(): Promise<void> {
  const signal = currentSignal();
  await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
}

export function inc(x: number): number {
  return x + 1;
}

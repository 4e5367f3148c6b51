/**
 * A task module for the browser pages that imports rxjs-futures/worker, bundled by the
 * harness (as an app's bundler would build its task modules) and imported by URL.
 */
import { currentSignal, reportProgress } from 'rxjs-futures/worker';

let runs = 0;
/** How many tasks this module has run in this worker: a new worker starts again at 1. */
export function runsHere(): number {
  return ++runs;
}

/** Settles as soon as its signal aborts, saying why. */
export async function untilAborted(): Promise<string> {
  runs++;
  const signal = currentSignal();
  reportProgress('waiting');
  await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
  return (signal.reason as Error).name;
}

export async function* naturals(): AsyncGenerator<number> {
  for (let i = 0; ; i++) yield i;
}

export async function* countTo(n: number): AsyncGenerator<number> {
  for (let i = 0; i < n; i++) yield i;
}

/**
 * `rxjs-futures/worker`: what a task can ask of the worker it runs on. Module tasks import
 * it; inline tasks use `await import('rxjs-futures/worker')`.
 * @example
 * import { currentSignal, reportProgress } from 'rxjs-futures/worker';
 * export async function crawl(urls: string[]) {
 *   const signal = currentSignal();
 *   for (const [i, url] of urls.entries()) {
 *     await fetch(url, { signal });   // stops when the task is cancelled or times out
 *     reportProgress((i + 1) / urls.length);
 *   }
 * }
 */
import { WORKER_HOOKS, type WorkerHooks } from '../protocol.cjs';

function hooks(what: string): WorkerHooks {
  const h = (globalThis as Record<symbol, WorkerHooks | undefined>)[WORKER_HOOKS];
  if (!h) {
    throw new Error(`${what} only works inside a task running on an rxjs-futures worker; this code is not on one`);
  }
  return h;
}

/**
 * The AbortSignal of the task this worker is running now. It aborts when the task is
 * stopped (unsubscription with cancelRunning, taskTimeout); `signal.reason` has the name
 * of the error its future got (`CancelledError` or `TaskTimeoutError`). A task that
 * settles within `cancelGrace` keeps its worker.
 * @example
 * const signal = currentSignal();
 * while (!signal.aborted) await step();
 */
export function currentSignal(): AbortSignal {
  const signal = hooks('currentSignal()').signal();
  if (!signal) throw new Error('currentSignal() only works inside a running task, not between tasks or after one');
  return signal;
}

/**
 * Sends `value` (structured-cloned) to the host, where the task's `Future.progress$` emits it.
 * @example
 * reportProgress({ done: 10, of: 100 });
 */
export function reportProgress(value: unknown): void {
  if (!hooks('reportProgress()').progress(value)) {
    throw new Error('reportProgress() only works inside a running task, not between tasks or after one');
  }
}

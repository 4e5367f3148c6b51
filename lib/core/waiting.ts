/**
 * Python's `as_completed` and `wait` over any futures (from one or several executors).
 */
import { Observable } from 'rxjs';
import { WaitTimeoutError } from './errors.js';
import type { Future } from './future.js';
import { checkDuration, checkObject } from './options.js';

/**
 * Emits each distinct future once as it finishes, already-done ones first, then
 * completes. Cold: the optional `timeout` (ms) counts from subscription; on expiry it
 * errors with WaitTimeoutError ("2 (of 4) futures unfinished").
 * @example
 * asCompleted(futures).subscribe((f) => console.log(f.done())); // true, in completion order
 */
export function asCompleted<T>(futures: Iterable<Future<T>>, options?: { timeout?: number }): Observable<Future<T>> {
  const o = checkObject('asCompleted', options);
  checkDuration('asCompleted', 'timeout', o.timeout, true);
  const timeout = o.timeout as number | undefined;
  const unique = [...new Set(futures)];
  return new Observable<Future<T>>((subscriber) => {
    let remaining = unique.length;
    let closed = false;
    const pending: Future<T>[] = [];
    for (const f of unique) {
      if (f.done()) {
        remaining--;
        subscriber.next(f);
      } else {
        pending.push(f);
      }
    }
    if (remaining === 0) {
      subscriber.complete();
      return;
    }
    for (const f of pending) {
      f.addDoneCallback(() => {
        if (closed) return;
        remaining--;
        subscriber.next(f);
        if (remaining === 0) subscriber.complete();
      });
    }
    const timer =
      timeout === undefined
        ? undefined
        : setTimeout(
            () => subscriber.error(new WaitTimeoutError(`${remaining} (of ${unique.length}) futures unfinished`)),
            timeout,
          );
    return () => {
      closed = true;
      clearTimeout(timer);
    };
  });
}

/** When {@link wait} resolves, as Python's `return_when`; `'ALL_COMPLETED'` by default. */
export type ReturnWhen = 'FIRST_COMPLETED' | 'FIRST_EXCEPTION' | 'ALL_COMPLETED';

/**
 * Waits until the condition holds or `timeout` ms pass, then resolves with the futures
 * that are done and those that are not (it never rejects on timeout, as in Python).
 * A cancelled future counts as done.
 * @example
 * const { done, notDone } = await wait(futures, { returnWhen: 'FIRST_COMPLETED' });
 */
export function wait<T>(
  futures: Iterable<Future<T>>,
  options?: { timeout?: number; returnWhen?: ReturnWhen },
): Promise<{
  /** The futures that finished, failed or were cancelled. */
  done: Set<Future<T>>;
  /** The futures still pending or running. */
  notDone: Set<Future<T>>;
}> {
  const o = checkObject('wait', options);
  checkDuration('wait', 'timeout', o.timeout, true);
  const returnWhen = (o.returnWhen ?? 'ALL_COMPLETED') as ReturnWhen;
  if (!['FIRST_COMPLETED', 'FIRST_EXCEPTION', 'ALL_COMPLETED'].includes(returnWhen)) {
    throw new TypeError(
      `wait: returnWhen must be 'FIRST_COMPLETED', 'FIRST_EXCEPTION' or 'ALL_COMPLETED', got ${String(returnWhen)}`,
    );
  }
  const all = new Set(futures);
  const split = () => {
    const done = new Set<Future<T>>();
    const notDone = new Set<Future<T>>();
    for (const f of all) (f.done() ? done : notDone).add(f);
    return { done, notDone };
  };
  const failed = (f: Future<T>) => f.done() && !f.cancelled() && hasFailed(f);
  const satisfied = () => {
    const { done, notDone } = split();
    if (notDone.size === 0) return true;
    if (returnWhen === 'FIRST_COMPLETED') return done.size > 0;
    if (returnWhen === 'FIRST_EXCEPTION') return [...done].some(failed);
    return false;
  };
  return new Promise((resolve) => {
    if (satisfied()) return resolve(split());
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      resolve(split());
    };
    const timer = o.timeout === undefined ? undefined : setTimeout(finish, o.timeout as number);
    for (const f of all) f.addDoneCallback(() => !finished && satisfied() && finish());
  });
}

/** A done future failed (not cancelled): synchronously, through its replay. */
function hasFailed<T>(f: Future<T>): boolean {
  let failed = false;
  f.subscribe({ error: () => (failed = true) }).unsubscribe();
  return failed;
}

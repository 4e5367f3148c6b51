import { map, Observable, tap, type OperatorFunction } from 'rxjs';
import type { Executor } from '../lib/core/executor.js';
import type { Future } from '../lib/core/future.js';
import { encodeTask, type Task } from '../lib/core/task.js';

/**
 * Submits each value to `executor` and emits its Future at once (synchronously, inside
 * the source's `next`). `concatAll()` after it gives an ordered map, `mergeAll()`
 * completion order. Unsubscribing cancels the futures it made that have not started;
 * completion of the source cancels nothing.
 * @example
 * source$.pipe(submitOn(ex, (x: number) => x * 2), mergeAll()).subscribe(console.log);
 */
export function submitOn<T, R>(executor: Executor, fn: Task<[T], R>): OperatorFunction<T, Future<R>> {
  if (typeof executor?.submit !== 'function')
    throw new TypeError('submitOn(executor, fn): executor must be an Executor');
  encodeTask(fn); // a bad task fails here, at the call, not at the first value
  return (source) =>
    new Observable<Future<R>>((subscriber) => {
      const made = new Set<Future<R>>();
      let ended = false;
      subscriber.add(() => {
        if (!ended) for (const f of made) f.cancel(); // unsubscribed, not completed
        made.clear();
      });
      // Built from RxJS's own operators and subscribed with `subscriber`, so that a
      // downstream take() stops even a synchronous source at once.
      source
        .pipe(
          map((value) => {
            const future = executor.submit(fn, value);
            if (!future.done()) {
              made.add(future);
              future.addDoneCallback(() => made.delete(future));
            }
            return future;
          }),
          tap({ complete: () => (ended = true), error: () => (ended = true) }),
        )
        .subscribe(subscriber);
    });
}

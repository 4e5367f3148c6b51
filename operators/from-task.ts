import { Observable } from 'rxjs';
import type { Executor } from '../lib/core/executor.js';
import { asRunner } from '../lib/core/runner.js';
import { encodeTask, type Task } from '../lib/core/task.js';

/**
 * A cold Observable of one task: submits `fn(...args)` on subscribe, emits its value
 * once and completes; unsubscribing cancels it (a running task's worker is stopped).
 * @example
 * fromTask(ex, (n: number) => n * 2, 21).pipe(timeout(1000)).subscribe(console.log); // 42
 */
export function fromTask<A extends unknown[], R>(executor: Executor, fn: Task<A, R>, ...args: A): Observable<R> {
  const runner = asRunner(executor);
  const task = encodeTask(fn);
  return new Observable<R>((subscriber) => {
    let done = false;
    const handle = runner.runChunk(
      task,
      [args],
      { spread: true },
      {
        complete(values, errors) {
          done = true;
          const error = errors?.[0];
          if (error !== undefined) subscriber.error(error);
          else {
            subscriber.next(values[0] as R);
            subscriber.complete();
          }
        },
      },
    );
    return () => {
      if (!done) handle.cancel(true);
    };
  });
}

import { Observable } from 'rxjs';
import type { Executor } from '../lib/core/executor.js';
import { asRunner } from '../lib/core/runner.js';
import { encodeTask, type Task } from '../lib/core/task.js';
import { startTaskStream, type TaskStream } from '../lib/core/task-stream.js';

/**
 * A cold Observable of one streaming task: each subscription runs `fn(...args)` on a
 * worker and emits what it yields (an async generator function, or a task returning an
 * AsyncIterable or an Observable-like), completes when it returns, errors with its error
 * after the values before it. Unsubscribing stops it in the worker (a generator's
 * `finally` runs). A generator runs at most a few thousand values ahead of delivery.
 * @example
 * const lines = task<typeof Tasks.readLines>(new URL('./tasks.js', import.meta.url), 'readLines');
 * fromTaskStream(executor, lines, '/var/log/big.log').pipe(take(10)).subscribe(console.log);
 */
export function fromTaskStream<A extends unknown[], R>(
  executor: Executor,
  fn: Task<A, R | AsyncIterable<R>>,
  ...args: A
): Observable<R> {
  const runner = asRunner(executor);
  const task = encodeTask(fn);
  return new Observable<R>((subscriber) => {
    let stream: TaskStream | undefined = undefined;
    stream = startTaskStream<R>(runner, task, args, {
      next(values) {
        for (let i = 0; i < values.length; i++) {
          if (subscriber.closed) return;
          subscriber.next(values[i]!);
        }
        stream?.delivered(values.length);
      },
      error: (err) => subscriber.error(err),
      complete: () => subscriber.complete(),
    });
    return () => stream!.cancel();
  });
}

import type { OperatorFunction } from 'rxjs';
import { getDefaultExecutor } from '../lib/executors/default-executor.js';
import type { Executor } from '../lib/core/executor.js';
import { mapStream } from '../lib/core/map-engine.js';
import { checkMapOptions, type MapOptions } from '../lib/core/options.js';
import { asRunner } from '../lib/core/runner.js';
import { encodeTask, type Task } from '../lib/core/task.js';

/** Options of {@link parallelMap}: MapOptions plus the executor to run on. */
export interface ParallelMapOptions extends MapOptions {
  /** Default: getDefaultExecutor(). */
  executor?: Executor;
}

/**
 * RxJS `map`, run on worker threads. With the defaults (`ordered: true`,
 * `errors: 'ordered'`) the output is exactly what `map(fn)` gives, whatever the timing;
 * unsubscribing cancels the queued tasks and stops the running ones.
 * @example
 * range(1, 100).pipe(parallelMap((n: number) => n * n)).subscribe(console.log);
 */
export function parallelMap<T, R>(fn: Task<[T], R>, options?: ParallelMapOptions): OperatorFunction<T, R> {
  const opts = checkMapOptions('parallelMap', options);
  const task = encodeTask(fn);
  const executor = (opts as ParallelMapOptions).executor;
  const runner = executor === undefined ? undefined : asRunner(executor);
  runner?.checkTask?.(task);
  return (source) => mapStream<T, R>(runner ?? asRunner(getDefaultExecutor()), task, source, false, opts);
}

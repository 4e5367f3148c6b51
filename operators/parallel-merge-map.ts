import { mergeMap, type OperatorFunction } from 'rxjs';
import { getDefaultExecutor } from '../lib/executors/default-executor.js';
import type { Executor } from '../lib/core/executor.js';
import { checkInteger, checkObject } from '../lib/core/options.js';
import { asRunner } from '../lib/core/runner.js';
import type { Task } from '../lib/core/task.js';
import { fromTaskStream } from './from-task-stream.js';

/** Options of {@link parallelMergeMap}. */
export interface ParallelMergeMapOptions {
  /** Default: getDefaultExecutor(). */
  executor?: Executor;
  /** Inner streams running at once; default the executor's parallelism. */
  concurrency?: number;
}

/**
 * RxJS `mergeMap` whose inner streams are streaming tasks on workers: values interleave as
 * they are produced, at most `concurrency` inner streams run at once, and unsubscribing
 * stops them all in their workers.
 * @example
 * from(files).pipe(parallelMergeMap(readLines, { concurrency: 4 })).subscribe(console.log);
 */
export function parallelMergeMap<T, R>(
  fn: Task<[T], AsyncIterable<R> | R>,
  options?: ParallelMergeMapOptions,
): OperatorFunction<T, R> {
  const o = checkObject('parallelMergeMap', options) as ParallelMergeMapOptions;
  checkInteger('parallelMergeMap', 'concurrency', o.concurrency);
  if (o.executor !== undefined) asRunner(o.executor); // an invalid executor throws here, at the call
  return (source) => {
    const executor = o.executor ?? getDefaultExecutor();
    const concurrency = o.concurrency ?? asRunner(executor).parallelism;
    return source.pipe(mergeMap((value) => fromTaskStream<[T], R>(executor, fn as Task<[T], R>, value), concurrency));
  };
}

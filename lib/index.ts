/**
 * rxjs-futures: Python's concurrent.futures for RxJS.
 * Executors, Futures and tasks from here; the operators are re-exported as well.
 * @packageDocumentation
 * @module rxjs-futures
 */
export { ThreadPoolExecutor, type ThreadPoolExecutorOptions, type ResourceLimits } from './executors/thread-pool.js';
export { ProcessPoolExecutor, type ProcessPoolExecutorOptions } from './executors/process-pool.js';
export type { PoolOptions } from './executors/pool-executor.js';
export { InlineExecutor } from './executors/inline.js';
export type { Executor, ExecutorStats, ShutdownOptions, Source, FutureStream } from './core/executor.js';
export type { MapOptions } from './core/options.js';
export { Future } from './core/future.js';
export { task, type Task, type TaskFn, type TaskRef } from './core/task.js';
export { transfer } from './core/transfer.js';
export { asCompleted, wait, type ReturnWhen } from './core/waiting.js';
export { getDefaultExecutor, setDefaultExecutor } from './executors/default-executor.js';
export {
  BrokenExecutorError,
  CancelledError,
  ExecutorShutdownError,
  InvalidStateError,
  TaskError,
  TaskSerializationError,
  TaskTimeoutError,
  WaitTimeoutError,
  WorkerCrashedError,
} from './core/errors.js';
export {
  parallelMap,
  submitOn,
  fromTask,
  fromTaskStream,
  parallelMergeMap,
  parallelConcatMap,
  type ParallelMapOptions,
  type ParallelMergeMapOptions,
  type ParallelConcatMapOptions,
} from '../operators/index.js';

/**
 * rxjs-futures: Python's concurrent.futures for RxJS.
 * Executors, Futures and tasks from here; the operators are re-exported as well.
 * @packageDocumentation
 * @module rxjs-futures
 */
export { ThreadPoolExecutor, type ThreadPoolExecutorOptions } from './thread-pool/thread-pool-executor.js';
export { InlineExecutor } from './inline.js';
export type { Executor, ExecutorStats, ShutdownOptions, Source, FutureStream } from './executor.js';
export type { MapOptions } from './options.js';
export { Future } from './future.js';
export { task, type Task, type TaskFn, type TaskRef } from './task.js';
export { transfer } from './transfer.js';
export { asCompleted, wait, type ReturnWhen } from './waiting.js';
export { getDefaultExecutor, setDefaultExecutor } from './default-executor.js';
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
} from './errors.js';
export { parallelMap, submitOn, fromTask, type ParallelMapOptions } from '../operators/index.js';

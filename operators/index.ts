/**
 * The operators alone, as `rxjs/operators` is to `rxjs`.
 * @packageDocumentation
 * @module rxjs-futures/operators
 */
export { parallelMap, type ParallelMapOptions } from './parallel-map.js';
export { submitOn } from './submit-on.js';
export { fromTask } from './from-task.js';
export { fromTaskStream } from './from-task-stream.js';
export { parallelMergeMap, type ParallelMergeMapOptions } from './parallel-merge-map.js';
export { parallelConcatMap, type ParallelConcatMapOptions } from './parallel-concat-map.js';
export { asCompleted, wait } from '../lib/core/waiting.js';

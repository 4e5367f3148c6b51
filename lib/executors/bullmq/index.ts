/**
 * rxjs-futures/bullmq: the Executor contract on worker processes on many machines, through
 * BullMQ on Redis. Needs the optional peer dependencies `bullmq` (>= 6.4, < 7) and `ioredis`.
 * @packageDocumentation
 * @module rxjs-futures/bullmq
 */
export { BullMQExecutor, type BullMQExecutorOptions, type RedisOptions } from './executor.js';
export { remoteTask } from './remote-task.js';
export { JobLostError, RedisUnreachableError, TaskNotAllowedError, WorkerLostError } from './errors.js';

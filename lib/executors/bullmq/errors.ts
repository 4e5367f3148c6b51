/**
 * The errors that only a BullMQExecutor gives: a task its workers do not serve, a run that
 * lost its worker, a job that vanished from Redis, and Redis itself out of reach.
 */

abstract class RemoteError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * A job named a task that the worker does not serve: workers run only the exports of the
 * modules given to them with `--tasks` (the allow-list), so the task never ran.
 * @example
 * await ex.submit(remoteTask('rm -rf'), '/').exception(); // TaskNotAllowedError
 */
export class TaskNotAllowedError extends RemoteError {
  constructor(
    /** The task the job named. */
    readonly task: string,
    /** What the worker that refused it serves. */
    readonly served: readonly string[],
  ) {
    super(
      `task '${task}' is not served by the worker that took the job (it serves: ${served.join(', ') || 'nothing'}); ` +
        'start rxjs-futures-worker with --tasks naming a module that exports it',
    );
  }
}

/**
 * The worker process running the task died (killed, crashed, or silent for longer than its
 * lock), and the task was not run again: with `atMostOnce: true` at the first loss, else
 * after 3 runs that lost their worker (a task that kills its workers).
 * @example
 * new BullMQExecutor({ connection, atMostOnce: true }); // a lost run fails with WorkerLostError
 */
export class WorkerLostError extends RemoteError {
  constructor(
    /** How many runs of the task lost their worker. */
    readonly lostRuns: number,
    why: string,
  ) {
    super(`the worker process running this task was lost ${lostRuns === 1 ? 'once' : `${lostRuns} times`} (${why})`);
  }
}

/**
 * The task's job no longer exists in Redis (a restart without persistence, eviction, or
 * someone deleted it), so nothing will ever report its outcome. The task may or may not have run.
 * @example
 * await f.exception(); // JobLostError after a Redis restart that lost the job
 */
export class JobLostError extends RemoteError {
  constructor(
    /** The BullMQ job id. */
    readonly jobId: string,
  ) {
    super(
      `job ${jobId} is gone from Redis (restarted without persistence, evicted, or deleted); its task may or may not have run. ` +
        'Use Redis persistence (appendonly yes) and maxmemory-policy noeviction for queues',
    );
  }
}

/**
 * Redis could not be reached: a new task was not queued, or a queued one waited for Redis
 * longer than `unreachableTimeout` (it may still run later).
 * @example
 * await ex.submit(add, 1, 2).exception(); // RedisUnreachableError while Redis is down
 */
export class RedisUnreachableError extends RemoteError {
  constructor(
    /** The connection, as `host:port` (no password). */
    readonly connection: string,
    detail: string,
    options?: ErrorOptions,
  ) {
    super(`cannot reach Redis at ${connection}: ${detail}`, options);
  }
}

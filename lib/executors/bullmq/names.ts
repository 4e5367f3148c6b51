/**
 * Where things live in Redis, agreed by executor and worker. BullMQ's own keys use its
 * default prefix `bull`; ours sit beside them under `bull:<queue>:rxf:`.
 */

export const DEFAULT_QUEUE = 'rxjs-futures';
const PREFIX = 'bull';

/** Workers write their heartbeat this often. */
export const HEARTBEAT_MS = 1000;
/** A worker whose heartbeat is older than this no longer counts as serving. */
export const WORKER_FRESH_MS = 5 * HEARTBEAT_MS;
/**
 * BullMQ requeues a job whose worker went silent this many times, and fails it the time after
 * (its `maxStalledCount`): a task runs at most 3 times that lose their worker.
 */
export const MAX_STALLED = 2;
/** BullMQ's reason for a job that stalled more than MAX_STALLED times. */
export const STALLED_REASON = 'job stalled more than allowable limit';
/**
 * Finished jobs stay this long (seconds) in case their executor missed the event and must read
 * them back (the executor deletes each one as soon as it has its outcome): a safety net for
 * executors that died, so Redis does not fill up.
 */
export const KEEP_FINISHED_S = 3600;

export interface QueueKeys {
  readonly queue: string;
  job(id: string): string;
  readonly completed: string;
  readonly failed: string;
  readonly events: string;
  /** Pub/sub channel: the ids of jobs to stop, `<id>` (stop now) or `<id> soft` (skip the rest). */
  readonly cancelChannel: string;
  /** Hash: worker id → its heartbeat (JSON, see WorkerBeat). */
  readonly workers: string;
}

export function queueKeys(queue: string): QueueKeys {
  const base = `${PREFIX}:${queue}:`;
  return {
    queue,
    job: (id) => base + id,
    completed: `${base}completed`,
    failed: `${base}failed`,
    events: `${base}events`,
    cancelChannel: `${base}rxf:cancel`,
    workers: `${base}rxf:workers`,
  };
}

/** What a worker process says about itself, every HEARTBEAT_MS. */
export interface WorkerBeat {
  readonly pid: number;
  readonly host: string;
  readonly threads: number;
  readonly concurrency: number;
  readonly tasks: readonly string[];
  /** Date.now() of the beat. */
  readonly at: number;
}

/** Checks a queue name as BullMQ would, with a message that says what to do. */
export function checkQueueName(where: string, queue: unknown): string {
  if (queue === undefined) return DEFAULT_QUEUE;
  if (typeof queue !== 'string' || queue === '' || queue.includes(':')) {
    throw new TypeError(`${where}: queue must be a non-empty string without ':', got ${JSON.stringify(queue)}`);
  }
  return queue;
}

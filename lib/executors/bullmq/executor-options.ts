/** The options of BullMQExecutor, and their checks (errors that say what to pass instead). */
import { checkBoolean, checkDuration, checkInteger, checkObject, describe } from '../../core/options.js';
import type { Connection } from './connection.js';
import { checkQueueName } from './names.js';

/** Options of {@link BullMQExecutor}. */
export interface BullMQExecutorOptions {
  /** `'redis://127.0.0.1:6379'` (user, password and db in the URL as usual) or ioredis options. */
  connection: Connection;
  /** The BullMQ queue; default `'rxjs-futures'`. Workers must serve the same one (`--queue`). */
  queue?: string;
  /** Runs again, on the same worker, a task that throws; default 0 (it fails at once). */
  retries?: number;
  /** true: a task whose worker process dies is not run again; its future fails with WorkerLostError. Default false (at least once). */
  atMostOnce?: boolean;
  /** ms that queued or running tasks wait for an unreachable Redis before their futures fail; default 30,000. */
  unreachableTimeout?: number;
}

/** `options` checked, with the defaults filled in; throws a TypeError naming what is wrong. */
export function checkExecutorOptions(options: BullMQExecutorOptions): Required<BullMQExecutorOptions> {
  const where = 'BullMQExecutor';
  const o = checkObject(where, options) as Partial<BullMQExecutorOptions>;
  const connection = o.connection;
  if (typeof connection !== 'string' && (typeof connection !== 'object' || connection === null)) {
    throw new TypeError(
      `${where}: connection must be a Redis URL ('redis://127.0.0.1:6379') or ioredis options, got ${describe(connection)}`,
    );
  }
  checkInteger(where, 'retries', o.retries, 0);
  checkBoolean(where, 'atMostOnce', o.atMostOnce);
  checkDuration(where, 'unreachableTimeout', o.unreachableTimeout);
  return {
    connection,
    queue: checkQueueName(where, o.queue),
    retries: o.retries ?? 0,
    atMostOnce: o.atMostOnce ?? false,
    unreachableTimeout: o.unreachableTimeout ?? 30_000,
  };
}

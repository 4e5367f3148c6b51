/**
 * Cancelling a job wherever it is. A waiting job is removed (`queue.remove`, which refuses a
 * running one); a running one is stopped by its worker, told over Redis pub/sub (a worker
 * can abort only what runs in its own process). A job that a worker is starting right now
 * (fetched, not yet registered) is caught either way: a message that comes before the job
 * registers is remembered (RunningJobs), one after finds it.
 *
 * Before any of that, the job's data is replaced by a cancel mark, in Redis, in one step. A
 * worker gets a job's data with the job itself (BullMQ's fetch reads the whole job), so a
 * job fetched after the mark never starts its task, whether or not its worker heard the
 * message, and that costs the worker nothing per job: no read of its own before each start.
 * A worker whose subscription dropped (and may have missed messages) reads the marks of the
 * jobs it runs once it is subscribed again, and of those that start soon after.
 */
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { execAll } from './connection.js';
import type { QueueKeys } from './names.js';
import type { CancelMode } from './remote-chunk.js';

/** What a worker is told: stop now (the task's signal aborts), or finish the current item and skip the rest. */
export type StopMode = 'stop' | 'soft';

/** A cancelled job's data: what a worker finds instead of the task and its items. */
const CANCEL_MARK = '{"rxfCancelled":1}';

/** Marks a job that exists and has not finished (a finished job's record is left as it is). */
const MARK_SCRIPT = `if redis.call('HEXISTS', KEYS[1], 'timestamp') == 1 and redis.call('HEXISTS', KEYS[1], 'finishedOn') == 0 then
  redis.call('HSET', KEYS[1], 'data', ARGV[1])
end`;

/**
 * Executor side. Resolves true when the job is gone from Redis (it will never report), false
 * when it is (or may be) running and has only been told to stop.
 */
export async function cancelJob(
  client: Redis,
  queue: Queue,
  keys: QueueKeys,
  id: string,
  mode: CancelMode,
): Promise<boolean> {
  if (mode === 'soft') {
    await client.publish(keys.cancelChannel, `${id} soft`);
    return false;
  }
  await markCancelled(client, keys, id);
  const removed = mode === 'withdraw' && (await queue.remove(id)) === 1;
  // Told even when removed: a run whose lock expired (BullMQ queued the job again, which
  // this remove took) may still be going on some worker.
  await client.publish(keys.cancelChannel, id);
  return removed;
}

/** Replaces job `id`'s data by the cancel mark, if the job exists and has not finished. */
export async function markCancelled(client: Redis, keys: QueueKeys, id: string): Promise<void> {
  await client.eval(MARK_SCRIPT, 1, keys.job(id), CANCEL_MARK);
}

/** Worker side: is this job's data a cancel mark (the job was cancelled before this fetch)? */
export function isCancelMark(data: unknown): boolean {
  return typeof data === 'object' && data !== null && (data as { rxfCancelled?: unknown }).rxfCancelled === 1;
}

/** How soon marks that could not be read are read again. */
const REREAD_MS = 500;
/**
 * How long after a resubscription a job that starts has its mark read too: it may have been
 * fetched before the subscription came back (and before its mark was written) and reach its
 * processor only after the re-read, which then did not see it. BullMQ calls the processor
 * right after the fetch, so this is far longer than that gap can be.
 */
const LATE_START_MS = 10_000;

/** Worker side: of the jobs `ids`, those whose data is a cancel mark now; rejects if any read failed. */
export async function markedJobs(client: Redis, keys: QueueKeys, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const p = client.pipeline();
  for (const id of ids) p.hget(keys.job(id), 'data');
  const data = await execAll(p);
  return ids.filter((_, i) => data[i] === CANCEL_MARK);
}

/** Worker side: reads the marks of the jobs running here when stop messages may have been missed. */
export interface MarkRereader {
  /** The subscription is back after its connection dropped: messages may have been missed. */
  resubscribed(): void;
  /** A job was registered as running here: read its mark too if the subscription came back moments ago. */
  started(): void;
}

/**
 * Worker side: what reads the marks of the jobs running here after a dropped subscription.
 * Each request asks for a read that starts after it (requests while one is out share the
 * next read); a read that fails (the connection it uses may come back later than the
 * subscriber's) is tried again every REREAD_MS until it is done or `client` has ended.
 *
 * @example
 * const marks = markRereader(commands, keys, () => running.ids(), (id) => running.stop(id, 'stop'), log);
 * subscriber.on('ready', () => marks.resubscribed());
 */
export function markRereader(
  client: Redis,
  keys: QueueKeys,
  running: () => string[],
  stop: (id: string) => void,
  report: (err: Error) => void,
): MarkRereader {
  let asked = 0;
  let done = 0;
  let busy = false;
  let resubscribedAt = -Infinity;
  const loop = async () => {
    busy = true;
    while (done < asked && client.status !== 'end') {
      const reading = asked;
      try {
        for (const id of await markedJobs(client, keys, running())) stop(id);
        done = reading;
      } catch (err) {
        report(err as Error);
        await new Promise((resolve) => setTimeout(resolve, REREAD_MS).unref());
      }
    }
    busy = false;
  };
  const read = () => {
    asked++;
    if (!busy) void loop();
  };
  return {
    resubscribed() {
      resubscribedAt = performance.now();
      read();
    },
    started() {
      if (performance.now() - resubscribedAt < LATE_START_MS) read();
    },
  };
}

/**
 * Worker side: calls `stop(id, mode)` for each cancel message, and `resubscribed()` each time
 * the subscription is back after its connection dropped (messages may have been missed).
 */
export async function listenForCancels(
  subscriber: Redis,
  keys: QueueKeys,
  stop: (id: string, mode: StopMode) => void,
  resubscribed: () => void,
): Promise<void> {
  subscriber.on('message', (channel: string, message: string) => {
    if (channel !== keys.cancelChannel) return;
    const [id, soft] = message.split(' ');
    if (id) stop(id, soft === 'soft' ? 'soft' : 'stop');
  });
  await subscriber.subscribe(keys.cancelChannel);
  // ioredis subscribes again after a reconnect, but says 'ready' before it does: marks are
  // read once our own SUBSCRIBE is answered, so a cancel is either read or heard.
  subscriber.on('ready', () => {
    subscriber.subscribe(keys.cancelChannel).then(resubscribed, () => undefined); // failed: the next 'ready' tries again
  });
}

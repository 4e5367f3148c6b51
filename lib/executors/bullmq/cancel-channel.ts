/**
 * Cancelling a job wherever it is. A waiting job is removed (`queue.remove`, which refuses a
 * running one); a running one is stopped by its worker, told over Redis pub/sub (a worker
 * can abort only what runs in its own process). A job that a worker is starting right now
 * (fetched, not yet registered) is caught either way: a message that comes before the job
 * registers is remembered (RunningJobs), one after finds it. A flag, set first and read by
 * the worker before it starts any job, keeps the task from starting when the worker missed
 * the message; it is deleted once the job is removed or finished.
 */
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { CANCEL_FLAG_MS, type QueueKeys } from './names.js';
import type { CancelMode } from './remote-chunk.js';

/** What a worker is told: stop now (the task's signal aborts), or finish the current item and skip the rest. */
export type StopMode = 'stop' | 'soft';

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
  await client.set(keys.cancelFlag(id), '1', 'PX', CANCEL_FLAG_MS);
  const removed = mode === 'withdraw' && (await queue.remove(id)) === 1;
  // Removed from the queue, it can never start: no worker will read the flag.
  if (removed) await client.del(keys.cancelFlag(id));
  else await client.publish(keys.cancelChannel, id);
  return removed;
}

/** Worker side: calls `stop(id, mode)` for each cancel message; resubscribes after reconnects (ioredis does). */
export async function listenForCancels(
  subscriber: Redis,
  keys: QueueKeys,
  stop: (id: string, mode: StopMode) => void,
): Promise<void> {
  subscriber.on('message', (channel: string, message: string) => {
    if (channel !== keys.cancelChannel) return;
    const [id, soft] = message.split(' ');
    if (id) stop(id, soft === 'soft' ? 'soft' : 'stop');
  });
  await subscriber.subscribe(keys.cancelChannel);
}

/** Worker side: was job `id` cancelled (its flag set)? */
export async function cancelledBeforeStart(client: Redis, keys: QueueKeys, id: string): Promise<boolean> {
  return (await client.exists(keys.cancelFlag(id))) === 1;
}

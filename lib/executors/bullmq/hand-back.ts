/**
 * Worker side: a job fetched while this worker stops goes back to the queue untouched (its
 * blocking fetch was already out when SIGTERM came).
 */
import { WaitingError, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { QueueKeys } from './names.js';

/**
 * Puts `job` back in the queue unrun, its start not counted (at most once holds for runs of
 * the task), and throws WaitingError, which tells BullMQ the job was moved. When Redis refuses
 * (it dropped meanwhile), it throws WaitingError all the same: the job then stays where it
 * is, and runs again elsewhere once its lock expires, instead of being failed by BullMQ
 * although its task never ran.
 *
 * @example
 * if (stopping) await handBack(commands, keys, job, token); // never returns
 */
export async function handBack(commands: Redis, keys: QueueKeys, job: Job, token: string | undefined): Promise<never> {
  try {
    await commands.hincrby(keys.job(job.id!), 'ats', -1);
    await job.moveToWait(token);
  } catch {
    // Left to its lock (see above).
  }
  throw new WaitingError();
}

/**
 * Deletes finished jobs once the executor has their outcome. Jobs are kept on completion (not
 * removeOnComplete) so that a missed event can be made good by reading the job back; this
 * removes them as soon as that is no longer needed, a batch at a time (one ZREM and one DEL
 * for up to 500 jobs), as BullMQ's own removal would.
 */
import type { Redis } from 'ioredis';
import type { QueueKeys } from './names.js';

const BATCH = 500;
const DELAY_MS = 20;

export class Janitor {
  #completed: string[] = [];
  #failed: string[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running: Promise<void> = Promise.resolve();

  constructor(
    private readonly client: Redis,
    private readonly keys: QueueKeys,
  ) {}

  /** Job `id` finished ('completed' or 'failed') and nobody needs it any more. */
  finished(id: string, set: 'completed' | 'failed'): void {
    (set === 'completed' ? this.#completed : this.#failed).push(id);
    if (this.#completed.length + this.#failed.length >= BATCH) this.flush();
    else this.#timer ??= setTimeout(() => this.flush(), DELAY_MS);
  }

  /** Deletes what is waiting now; resolves when it is done (or Redis refused: the jobs then expire on their own). */
  flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const completed = this.#completed.splice(0);
    const failed = this.#failed.splice(0);
    if (completed.length + failed.length === 0 || this.client.status !== 'ready') return this.#running;
    const p = this.client.pipeline();
    if (completed.length > 0) p.zrem(this.keys.completed, ...completed);
    if (failed.length > 0) p.zrem(this.keys.failed, ...failed);
    // Only the job hash: our jobs have no other keys (their workers never call job.log()).
    p.del(...completed.map(this.keys.job), ...failed.map(this.keys.job));
    this.#running = p.exec().then(
      () => undefined,
      () => undefined,
    );
    return this.#running;
  }
}

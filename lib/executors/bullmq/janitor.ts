/**
 * Deletes finished jobs once the executor has their outcome. Jobs are kept on completion (not
 * removeOnComplete) so that a missed event can be made good by reading the job back; this
 * removes them as soon as that is no longer needed, a batch at a time (one ZREM and one DEL
 * for up to 500 jobs), as BullMQ's own removal would. While Redis is away they wait here and
 * go once it answers (jobs it never deletes expire after KEEP_FINISHED_S).
 */
import type { Redis } from 'ioredis';
import { execAll } from './connection.js';
import type { QueueKeys } from './names.js';

const BATCH = 500;
const DELAY_MS = 20;
/** How soon a batch Redis could not take is tried again. */
const RETRY_MS = 1000;

export class Janitor {
  #completed: string[] = [];
  #failed: string[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running: Promise<void> = Promise.resolve();
  #closed = false;

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

  /**
   * Deletes what is waiting now; resolves when it is done, or when Redis refused (then it
   * tries again later). While Redis is away that can take as long as it is away.
   */
  flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#completed.length + this.#failed.length === 0) return this.#running;
    if (this.client.status !== 'ready') {
      this.#later();
      return this.#running;
    }
    const completed = this.#completed.splice(0);
    const failed = this.#failed.splice(0);
    const p = this.client.pipeline();
    if (completed.length > 0) p.zrem(this.keys.completed, ...completed);
    if (failed.length > 0) p.zrem(this.keys.failed, ...failed);
    // Only the job hash: our jobs have no other keys (their workers never call job.log()).
    p.del(...completed.map(this.keys.job), ...failed.map(this.keys.job));
    const again = () => {
      this.#completed.push(...completed);
      this.#failed.push(...failed);
      this.#later();
    };
    this.#running = execAll(p).then(() => undefined, again);
    return this.#running;
  }

  /** Stops trying again (the executor closes its connection). */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #later(): void {
    if (this.#closed || this.#timer) return;
    this.#timer = setTimeout(() => void this.flush(), RETRY_MS);
    this.#timer.unref?.();
  }
}

/**
 * Executor side: carrying cancels into Redis, whatever state the job's add is in, and
 * cleaning up after them. A cancel that cannot reach Redis (it is away, or the add's reply
 * was lost and the job may be there) is not dropped: it is sent again when Redis answers,
 * so that a future whose cancel() said true does not have its task started later.
 */
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { cancelJob } from './cancel-channel.js';
import type { Janitor } from './janitor.js';
import type { QueueKeys } from './names.js';
import type { CancelMode, RemoteChunk } from './remote-chunk.js';

/** How long shutdown waits for Redis to take the last deletes. */
const FINAL_FLUSH_MS = 3000;

export class Cancels {
  /** Jobs cancelled while they may run (marked, not removed): deleted when they finish. */
  readonly #stopping = new Set<string>();
  /** Cancels that could not reach Redis: sent again when it answers. */
  readonly #later = new Map<RemoteChunk, CancelMode>();
  /** Cancels on their way to Redis (shutdown waits for them before it closes the connection). */
  #sending = 0;

  constructor(
    private readonly client: Redis,
    private readonly queue: Queue,
    private readonly keys: QueueKeys,
    private readonly janitor: Janitor,
  ) {}

  /** Removes `chunk`'s job, or tells the worker running it to stop. */
  send(chunk: RemoteChunk, mode: CancelMode): void {
    if (chunk.added === 'no') return; // it never left this process: the outbox drops it
    if (chunk.added === 'sending') {
      // A remove now could come before the add: done once the job is surely there (or may be).
      chunk.cancelAfterAdd = mode;
      return;
    }
    if (mode !== 'soft') this.#stopping.add(chunk.id);
    this.#sending++;
    cancelJob(this.client, this.queue, this.keys, chunk.id, mode)
      .then(
        (removed) => removed && this.#stopping.delete(chunk.id),
        () => {
          // Redis is away: the mark may be missing. Sent again when it answers; a worker that
          // takes the job before that runs it, and its outcome is ignored.
          if (mode !== 'soft') this.#later.set(chunk, mode);
        },
      )
      .finally(() => this.#sending--);
  }

  /** No cancel is on its way to Redis. */
  idle(): boolean {
    return this.#sending === 0;
  }

  /** The add of these chunks is over (done, or its reply lost): cancels that waited for it go now. */
  afterAdd(chunks: readonly RemoteChunk[]): void {
    for (const c of chunks) if (c.cancelAfterAdd) this.send(c, c.cancelAfterAdd);
  }

  /** Redis answers again: the cancels that could not be sent go now. */
  retry(): void {
    const later = [...this.#later];
    this.#later.clear();
    for (const [chunk, mode] of later) this.send(chunk, mode);
  }

  /**
   * Deletes the finished jobs that wait to be, once; resolves when that is done, or after
   * FINAL_FLUSH_MS when Redis does not answer (those jobs then expire on their own).
   */
  async flush(): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, FINAL_FLUSH_MS)));
    await Promise.race([this.janitor.flush(), late]);
    clearTimeout(timer);
    this.janitor.close();
  }

  /** Job `id` finished; `settled` if that settled one of our chunks (else it is an orphan, or not ours). */
  finished(id: string, set: 'completed' | 'failed', settled: boolean): void {
    // A job cancelled while it ran: nobody reads its outcome, so it goes at once.
    const stopped = this.#stopping.delete(id);
    if (settled || stopped) this.janitor.finished(id, set);
  }
}

/** Of `ids`, which are jobs in Redis (a hash with a timestamp, as BullMQ writes it). */
export async function jobsExist(client: Redis, keys: QueueKeys, ids: readonly string[]): Promise<boolean[]> {
  const p = client.pipeline();
  for (const id of ids) p.hexists(keys.job(id), 'timestamp');
  const replies = (await p.exec()) ?? [];
  return ids.map((_, i) => {
    const [err, n] = replies[i] ?? [new Error('no reply'), 0];
    return !err && n === 1;
  });
}

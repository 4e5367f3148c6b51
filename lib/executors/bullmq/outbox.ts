/**
 * Queues jobs in Redis: the chunks submitted in one synchronous burst go together through
 * `addBulk` (up to 1,000 a call). While Redis does not answer, chunks wait here, not in
 * ioredis's offline queue (which would hold them forever): a chunk not queued within the
 * grace period fails with RedisUnreachableError, so a submit never waits long for Redis.
 */
import type { Queue } from 'bullmq';
import { KEEP_FINISHED_S } from './names.js';
import type { RedisLink } from './link.js';
import type { RemoteChunk } from './remote-chunk.js';

/** Jobs per addBulk call. */
const BATCH = 1000;
/** How long BullMQ keeps a finished job (the executor deletes it sooner: see Janitor). */
const KEEP_FINISHED = { age: KEEP_FINISHED_S };

export interface OutboxEvents {
  /** These chunks are in Redis now. */
  added(chunks: readonly RemoteChunk[]): void;
}

export class Outbox {
  #waiting: RemoteChunk[] = [];
  #scheduled = false;
  #graceTimer: ReturnType<typeof setTimeout> | undefined;
  /** addBulk calls on their way. */
  #inFlight = 0;

  constructor(
    private readonly queue: Queue,
    private readonly link: RedisLink,
    /** True when jobs may be sent (Redis answers and results are being listened for). */
    private readonly ready: () => boolean,
    /** ms a chunk may wait for Redis before it fails. */
    private readonly graceMs: number,
    private readonly events: OutboxEvents,
  ) {}

  /** Queues `chunk` with the others of this burst. */
  push(chunk: RemoteChunk): void {
    this.#waiting.push(chunk);
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      this.#scheduled = false;
      this.flush();
    });
  }

  /** Sends what waits, if Redis answers; else makes sure it fails after the grace period. */
  flush(): void {
    this.#waiting = this.#waiting.filter((c) => c.state !== 'settled');
    if (this.#waiting.length === 0) return;
    if (!this.ready()) {
      this.#armGrace();
      return;
    }
    while (this.#waiting.length > 0) void this.#send(this.#waiting.splice(0, BATCH));
  }

  /** Nothing waits here or is on its way. */
  idle(): boolean {
    return this.#waiting.length === 0 && this.#inFlight === 0;
  }

  close(): void {
    clearTimeout(this.#graceTimer);
    this.#graceTimer = undefined;
  }

  async #send(batch: RemoteChunk[]): Promise<void> {
    for (const c of batch) c.added = 'sending';
    this.#inFlight++;
    const jobs = batch.map((c) => ({
      name: c.data!.t,
      data: c.data!,
      opts: { jobId: c.id, removeOnComplete: KEEP_FINISHED, removeOnFail: KEEP_FINISHED },
    }));
    try {
      // One job alone goes by add(): addBulk wraps it in a transaction, a little slower.
      if (jobs.length === 1) await this.queue.add(jobs[0]!.name, jobs[0]!.data, jobs[0]!.opts);
      else await this.queue.addBulk(jobs);
      for (const c of batch) {
        c.added = 'yes';
        c.data = undefined; // the data lives in Redis now: no need to hold it while the job runs
      }
      this.events.added(batch);
    } catch (err) {
      this.#refused(batch, err as Error);
    } finally {
      this.#inFlight--;
    }
  }

  #refused(batch: RemoteChunk[], err: Error): void {
    if (/enableOfflineQueue/.test(err.message)) {
      // Never sent: the connection is going down (ioredis may still say 'ready'). They wait
      // for the link to come up again (which flushes), not in a retry loop.
      for (const c of batch) c.added = 'no';
      this.#waiting.unshift(...batch);
      this.#armGrace();
    } else if (err.name === 'ReplyError') {
      // Redis answered no (out of memory, read-only replica…): nothing was queued.
      for (const c of batch) {
        c.added = 'no';
        c.fail(new Error(`Redis refused to queue the job: ${err.message}`, { cause: err }));
      }
    } else {
      // The connection broke while the call was out: the jobs may or may not be in Redis; they
      // stay pending, and the reconciler settles that once Redis answers.
      for (const c of batch) c.added = 'unknown';
    }
  }

  #armGrace(): void {
    if (this.#graceTimer) return;
    const oldest = this.#waiting[0]!.since;
    this.#graceTimer = setTimeout(
      () => {
        this.#graceTimer = undefined;
        const deadline = Date.now() - this.graceMs;
        const late = this.#waiting.filter((c) => c.since <= deadline);
        this.#waiting = this.#waiting.filter((c) => c.since > deadline);
        for (const c of late) c.fail(this.link.unreachable('the job could not be queued'));
        this.flush();
      },
      Math.max(0, oldest + this.graceMs - Date.now()),
    );
  }
}

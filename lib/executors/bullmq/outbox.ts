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

/** ms before an add refused by a closing connection is tried again. */
const RETRY_MS = 100;
/** Jobs per addBulk call. */
const BATCH = 1000;
/** How long BullMQ keeps a finished job (the executor deletes it sooner: see Janitor). */
const KEEP_FINISHED = { age: KEEP_FINISHED_S };

export interface OutboxEvents {
  /** These chunks are in Redis now. */
  added(chunks: readonly RemoteChunk[]): void;
  /** These chunks may or may not be in Redis (the reply to their add was lost). */
  unknown(chunks: readonly RemoteChunk[]): void;
  /** Of these job ids (after an add that failed part-way), which are in Redis. */
  exist(ids: readonly string[]): Promise<boolean[]>;
}

export class Outbox {
  #waiting: RemoteChunk[] = [];
  #scheduled = false;
  #graceTimer: ReturnType<typeof setTimeout> | undefined;
  /** Chunks whose add is on its way. */
  readonly #sending = new Set<RemoteChunk>();
  #downTimer: ReturnType<typeof setTimeout> | undefined;

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
    return this.#sending.size === 0 && this.#waiting.every((c) => c.state === 'settled');
  }

  close(): void {
    clearTimeout(this.#graceTimer);
    this.#graceTimer = undefined;
    clearTimeout(this.#downTimer);
  }

  /**
   * Redis stopped answering. An add on its way then waits as long as Redis does (ioredis
   * sends it again after a reconnect), so its chunk, still a new submit, fails after the
   * grace period like one that never left; if the add lands later, the job is withdrawn.
   */
  down(): void {
    if (this.#downTimer) return;
    this.#downTimer = setTimeout(() => {
      this.#downTimer = undefined;
      if (this.link.ready()) return;
      for (const c of this.#sending) {
        if (c.state === 'settled' || c.added !== 'sending') continue;
        c.cancelAfterAdd ??= 'withdraw';
        c.fail(
          this.link.unreachable('the job was being queued when Redis stopped answering (if it was, it is withdrawn)'),
        );
      }
    }, this.graceMs);
  }

  async #send(batch: RemoteChunk[]): Promise<void> {
    for (const c of batch) {
      c.added = 'sending';
      this.#sending.add(c);
    }
    const jobs = batch.map((c) => ({
      name: c.data!.t,
      data: c.data!,
      opts: { jobId: c.id, removeOnComplete: KEEP_FINISHED, removeOnFail: KEEP_FINISHED },
    }));
    try {
      // One job alone goes by add(): addBulk wraps it in a transaction, a little slower.
      if (jobs.length === 1) await this.queue.add(jobs[0]!.name, jobs[0]!.data, jobs[0]!.opts);
      else await this.queue.addBulk(jobs);
      this.#added(batch);
    } catch (err) {
      await this.#refused(batch, err as Error);
    } finally {
      for (const c of batch) this.#sending.delete(c);
    }
  }

  /** These chunks are in Redis now. */
  #added(chunks: RemoteChunk[]): void {
    for (const c of chunks) {
      c.added = 'yes';
      c.data = undefined; // the data lives in Redis now: no need to hold it while the job runs
    }
    this.events.added(chunks);
  }

  async #refused(batch: RemoteChunk[], err: Error): Promise<void> {
    if (/enableOfflineQueue/.test(err.message)) {
      // Never sent: the connection is going down (ioredis may still say 'ready'). They wait
      // for the link to come up again, which flushes them.
      for (const c of batch) c.added = 'no';
      this.#waiting.unshift(...batch);
      this.#armGrace();
      // If it never went down (or is up again already), no 'up' will come to flush them: try
      // again shortly, which the grace period bounds.
      setTimeout(() => this.ready() && this.flush(), RETRY_MS).unref();
    } else if (err.name === 'ReplyError') {
      await this.#partlyAdded(batch, err);
    } else {
      // The connection broke while the call was out: the jobs may or may not be in Redis; they
      // stay pending, and the reconciler settles that once Redis answers.
      for (const c of batch) c.added = 'unknown';
      this.events.unknown(batch);
    }
  }

  /**
   * Redis answered no (out of memory, a script error…). addBulk sends its adds in one
   * pipeline and throws the first error: the other jobs may well be queued, and will run. Those keep waiting for their outcome; only the others fail.
   */
  async #partlyAdded(batch: RemoteChunk[], err: Error): Promise<void> {
    let exists: boolean[];
    try {
      exists = batch.length === 1 ? [false] : await this.events.exist(batch.map((c) => c.id));
    } catch {
      // Cannot tell now: the reconciler reads them back once Redis answers.
      for (const c of batch) c.added = 'unknown';
      this.events.unknown(batch);
      return;
    }
    const added = batch.filter((_, i) => exists[i]);
    if (added.length > 0) this.#added(added);
    batch.forEach((c, i) => {
      if (exists[i]) return;
      c.added = 'no';
      c.fail(new Error(`Redis refused to queue the job: ${err.message}`, { cause: err }));
    });
  }

  #armGrace(): void {
    if (this.#graceTimer) return;
    const oldest = this.#waiting[0]!.since;
    this.#graceTimer = setTimeout(
      () => {
        this.#graceTimer = undefined;
        // Redis answers now: what waits goes, late or not.
        if (this.ready()) return this.flush();
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

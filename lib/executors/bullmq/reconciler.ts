/**
 * Makes good what the event stream did not say. The stream is trimmed (about 10,000 entries)
 * and a gap is silent; a reconnect, a Redis restart or a slow reader can lose the event of a
 * finished job. So the job hashes of pending chunks are read back: after a reconnect, when the
 * stream's oldest entry is newer than the last one read (a gap), and every few seconds for
 * chunks that have waited long. Finished jobs settle from their hash; vanished ones fail with
 * JobLostError.
 */
import type { Redis } from 'ioredis';
import type { JobOutcome } from './codec.js';
import { JobLostError } from './errors.js';
import type { RedisLink } from './link.js';
import type { QueueKeys } from './names.js';
import type { PendingJobs, RemoteChunk } from './remote-chunk.js';
import { settleWithFailure, settleWithOutcome } from './results.js';

/** How often the stream is checked for a gap while chunks are pending. */
const GAP_CHECK_MS = 1000;
/** Chunks pending longer than this are read back, this often. */
const SWEEP_MS = 5000;
/** Job hashes read per round trip. */
const BATCH = 500;
const FIELDS = ['timestamp', 'finishedOn', 'returnvalue', 'failedReason'] as const;

export interface ReconcilerEvents {
  /** Job `id` finished and its chunk settled from the hash. */
  finished(id: string, set: 'completed' | 'failed', settled: boolean): void;
}

export class Reconciler {
  /** The id of the last stream entry read; undefined before the first. */
  #lastRead: string | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;
  #lastSweep = Date.now();
  #running: Promise<void> | undefined;
  #again = false;

  constructor(
    private readonly client: Redis,
    private readonly keys: QueueKeys,
    private readonly pending: PendingJobs,
    private readonly link: RedisLink,
    private readonly events: ReconcilerEvents,
  ) {}

  start(lastRead: string): void {
    this.#lastRead = lastRead;
    // A tick must never reject: an unhandled rejection would end the host process.
    this.#timer = setInterval(() => this.#tick().catch(() => undefined), GAP_CHECK_MS);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /** The id of the last stream entry read ('0-0' before any). */
  get lastRead(): string {
    return this.#lastRead ?? '0-0';
  }

  /** The event stream was read up to `id`. */
  read(id: string): void {
    this.#lastRead = id;
  }

  /** Reads back every pending chunk that is (or may be) in Redis. */
  all(): Promise<void> {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    this.#running = (async () => {
      do {
        this.#again = false;
        this.#lastSweep = Date.now();
        await this.#check([...this.pending.values()].filter(inRedis));
      } while (this.#again);
    })().finally(() => (this.#running = undefined));
    return this.#running;
  }

  async #tick(): Promise<void> {
    if (this.pending.size === 0 || this.#running || !this.link.ready()) return;
    if (await this.#gap()) return void (await this.all());
    if (Date.now() - this.#lastSweep < SWEEP_MS) return;
    this.#lastSweep = Date.now();
    const old = Date.now() - SWEEP_MS;
    await this.#check([...this.pending.values()].filter((c) => inRedis(c) && c.since < old));
  }

  /** True when entries the executor never read may have been trimmed from the stream. */
  async #gap(): Promise<boolean> {
    if (this.#lastRead === undefined) return false;
    try {
      const first = await this.client.xrange(this.keys.events, '-', '+', 'COUNT', 1);
      // An empty stream with jobs pending: it was deleted or Redis lost it.
      return first.length === 0 || newer(first[0]![0], this.#lastRead);
    } catch {
      return false;
    }
  }

  async #check(chunks: RemoteChunk[]): Promise<void> {
    for (let i = 0; i < chunks.length; i += BATCH) {
      const batch = chunks.slice(i, i + BATCH);
      const p = this.client.pipeline();
      for (const c of batch) p.hmget(this.keys.job(c.id), ...FIELDS);
      let replies: [Error | null, unknown][] | null;
      try {
        replies = await p.exec();
      } catch {
        return; // Redis went away again: the next reconnect reads them
      }
      batch.forEach((chunk, k) => {
        const [err, fields] = replies?.[k] ?? [new Error('no reply'), null];
        if (chunk.state === 'settled') return;
        if (err) {
          // The key is not a job hash: nothing will ever report this job. (Other errors,
          // such as LOADING after a restart, pass: the next sweep reads it again.)
          if (/^WRONGTYPE/.test(err.message)) chunk.fail(unreadable(chunk, err));
          return;
        }
        try {
          this.#apply(chunk, fields as (string | null)[]);
        } catch (e) {
          // A foreign or corrupt job hash fails its own future, never the host.
          chunk.fail(unreadable(chunk, e as Error));
        }
      });
    }
  }

  #apply(chunk: RemoteChunk, [timestamp, finishedOn, returnvalue, failedReason]: (string | null)[]): void {
    if (timestamp === null) {
      // 'unknown': the add whose reply was lost never reached Redis.
      if (chunk.added === 'unknown') chunk.fail(this.link.unreachable('the job could not be queued'));
      else chunk.fail(new JobLostError(chunk.id));
      return;
    }
    chunk.added = 'yes';
    if (finishedOn === null) return;
    if (returnvalue !== null) {
      settleWithOutcome(chunk, JSON.parse(returnvalue) as JobOutcome);
      this.events.finished(chunk.id, 'completed', true);
    } else {
      settleWithFailure(chunk, failedReason ?? 'unknown reason');
      this.events.finished(chunk.id, 'failed', true);
    }
  }
}

function unreadable(chunk: RemoteChunk, err: Error): Error {
  return new Error(
    `the job ${chunk.id} in Redis could not be read back (${err.message}); ` +
      'it was changed by something other than rxjs-futures: check what else writes to this queue',
    { cause: err },
  );
}

function inRedis(chunk: RemoteChunk): boolean {
  return chunk.added === 'yes' || chunk.added === 'unknown';
}

/** Stream ids are `<ms>-<seq>`. */
function newer(a: string, b: string): boolean {
  const [am, as] = a.split('-').map(Number) as [number, number];
  const [bm, bs] = b.split('-').map(Number) as [number, number];
  return am > bm || (am === bm && as > bs);
}

/**
 * A chunk sent as a BullMQ job, seen from the executor: where it is (queued in Redis, started
 * on some worker, settled), and the table of those still pending, with the item counts that
 * stats() reports.
 */
import type { ChunkHandle, ChunkSink } from '../../core/chunk.js';
import { CancelledError } from '../../core/errors.js';
import type { JobData } from './codec.js';

/** How a chunk is cancelled in Redis: removed before it starts, stopped, or left to skip the rest. */
export type CancelMode = 'withdraw' | 'stop' | 'soft';

/** What a chunk asks of its executor. */
export interface ChunkHost {
  /** Removes the job, or tells the worker running it to stop. */
  cancelRemote(chunk: RemoteChunk, mode: CancelMode): void;
  /** Redis answers now (a cancel can be carried into it). */
  reachable(): boolean;
  /** The chunk is about to settle: it leaves the pending table (counted as it was). */
  leaving(chunk: RemoteChunk): void;
  /** The chunk settled: its outcome is counted in the executor's totals. */
  settled(chunk: RemoteChunk): void;
}

export class RemoteChunk implements ChunkHandle {
  state: 'queued' | 'running' | 'settled' = 'queued';
  /** In Redis? 'sending': addBulk is out; 'unknown': it was, and its reply was lost with the connection. */
  added: 'no' | 'sending' | 'yes' | 'unknown' = 'no';
  /** Date.now() when it was last seen queued or started (the reconciler reads back old ones). */
  since = Date.now();
  /** Runs that lost their worker (BullMQ's 'stalled' events). */
  stalls = 0;
  /** Cancelled while its add was on the way: cancelled in Redis once the add is done. */
  cancelAfterAdd: CancelMode | undefined;

  constructor(
    readonly id: string,
    readonly size: number,
    /** What the job carries; dropped once it is in Redis (nothing reads it again). */
    public data: JobData | undefined,
    private readonly sink: ChunkSink,
    private readonly host: ChunkHost,
  ) {}

  /**
   * Python's cancel(): true unless a worker is known to have started it. False as well when
   * its job is in Redis and Redis does not answer now: the job could not be removed, nor
   * marked cancelled, so a worker that reaches Redis could still run it.
   */
  withdraw(): boolean {
    if (this.state !== 'queued') return false;
    if (this.added !== 'no' && !this.host.reachable()) return false;
    this.drop();
    return true;
  }

  /** Fails it as cancelled and removes its job as soon as Redis lets (unsubscription, shutdown). */
  drop(): void {
    if (this.state !== 'queued') return;
    // Told to stop as well: a worker may be starting it right now (see cancel-channel.ts).
    this.host.cancelRemote(this, 'withdraw');
    this.fail(new CancelledError());
  }

  started(): boolean {
    return this.state === 'running';
  }

  cancel(stopRunning: boolean): void {
    if (this.state === 'queued') return this.drop();
    if (this.state !== 'running') return;
    this.host.cancelRemote(this, stopRunning ? 'stop' : 'soft');
    if (stopRunning) this.fail(new CancelledError());
  }

  progress(item: number, value: unknown): void {
    if (this.state !== 'settled') this.sink.progress?.(item, value);
  }

  settle(values: ArrayLike<unknown>, errors: unknown[] | null, ms: number): void {
    if (this.state === 'settled') return;
    this.host.leaving(this);
    this.state = 'settled';
    try {
      this.sink.complete(values, errors, ms);
    } finally {
      // After complete(), which counts the outcome: a stats$ emission now shows it completed.
      this.host.settled(this);
    }
  }

  /** Every item fails with `error`. */
  fail(error: unknown): void {
    this.settle(new Array(this.size), new Array<unknown>(this.size).fill(error), 0);
  }
}

/** The chunks that have no outcome yet, by job id, with the item counts of stats(). */
export class PendingJobs {
  readonly #byId = new Map<string, RemoteChunk>();
  queuedItems = 0;
  runningItems = 0;

  get size(): number {
    return this.#byId.size;
  }

  get(id: string): RemoteChunk | undefined {
    return this.#byId.get(id);
  }

  values(): IterableIterator<RemoteChunk> {
    return this.#byId.values();
  }

  add(chunk: RemoteChunk): void {
    this.#byId.set(chunk.id, chunk);
    this.queuedItems += chunk.size;
  }

  /** A worker started it (again). */
  started(chunk: RemoteChunk): boolean {
    return this.#move(chunk, 'queued', 'running');
  }

  /** Its worker was lost (or handed it back) and BullMQ queued it again. */
  requeued(chunk: RemoteChunk): boolean {
    return this.#move(chunk, 'running', 'queued');
  }

  #move(chunk: RemoteChunk, from: 'queued' | 'running', to: 'queued' | 'running'): boolean {
    if (chunk.state !== from) return false;
    chunk.state = to;
    chunk.since = Date.now();
    const n = to === 'running' ? chunk.size : -chunk.size;
    this.queuedItems -= n;
    this.runningItems += n;
    return true;
  }

  delete(chunk: RemoteChunk): void {
    if (!this.#byId.delete(chunk.id)) return;
    if (chunk.state === 'running') this.runningItems -= chunk.size;
    else if (chunk.state === 'queued') this.queuedItems -= chunk.size;
  }
}

import type { ChunkHandle, ChunkSink } from '../core/chunk.js';
import { WorkerCrashedError } from '../core/errors.js';
import { DONE, RUNNING, STOP } from '../protocol.cjs';
import type { EncodedTask } from '../core/task.js';
import type { WorkerSlot } from './worker-slot.js';

/** How the scheduler acts on a chunk's handle. */
export interface ChunkControl {
  withdraw(chunk: PoolChunk): boolean;
  cancel(chunk: PoolChunk, stopRunning: boolean): void;
  grant(chunk: PoolChunk, total: number): void;
}

let nextChunkId = 1;

/** How long a chunk's task may run, and how long it has to stop once asked. */
export interface ChunkLimits {
  /** ms per item from its start (taskTimeout); undefined: no limit. */
  readonly timeoutMs: number | undefined;
  /** ms a stopped task has to settle before its worker is terminated (cancelGrace). */
  readonly graceMs: number;
}

/** A chunk as the thread pool tracks it, and the handle its submitter holds. */
export class PoolChunk implements ChunkHandle {
  readonly id = nextChunkId++;
  /** Where it is: waiting on the host, sent to `slot`, or settled. */
  state: 'queued' | 'sent' | 'settled' = 'queued';
  slot: WorkerSlot | undefined;
  ring = -1;
  timer: ReturnType<typeof setTimeout> | undefined;
  /** While a stopped chunk's worker has time to settle it (see stop-path.ts). */
  stopTimer: ReturnType<typeof setTimeout> | undefined;
  stoppedAt = 0;
  /** Its worker said it heard the stop: only the grace running out may terminate it now. */
  heard = false;
  /** Its grace ran out (the timer fired). */
  graceOver = false;
  /** It carried transfer()ed buffers to a worker: if that worker dies, they are gone. */
  moved = false;
  /** What a dying worker reported of this chunk: outcomes of its first items. */
  partial: { values: unknown[]; errors: (unknown | undefined)[] | null } | undefined;
  /** A partitioned re-send that carries on for this chunk. */
  replacedBy: PoolChunk | undefined;
  /** A streaming task's chunk (one item). */
  stream = false;
  /** Handed to its worker already claimed (no shared memory, a tiny chunk): RUNNING before it starts. */
  claimedAhead = false;
  /** A RecallMessage for it is on its way. */
  recalling = false;
  /** When it was last sent to a worker (performance.now()). */
  sentAt = 0;

  constructor(
    private readonly control: ChunkControl,
    readonly task: EncodedTask,
    /** The items: argument lists when `spread`, else each item is the only argument. */
    readonly args: unknown[],
    readonly spread: boolean,
    readonly limits: ChunkLimits,
    readonly sink: ChunkSink,
  ) {}

  withdraw(): boolean {
    return this.replacedBy ? this.replacedBy.withdraw() : this.control.withdraw(this);
  }

  started(): boolean {
    if (this.replacedBy) return this.replacedBy.started();
    if (this.state !== 'sent' || !this.slot) return false;
    const s = this.slot.ringState(this);
    return s === RUNNING || s === STOP || s === DONE;
  }

  cancel(stopRunning: boolean): void {
    if (this.replacedBy) this.replacedBy.cancel(stopRunning);
    else this.control.cancel(this, stopRunning);
  }

  grant(total: number): void {
    this.control.grant(this, total);
  }

  /** Settles every item with the same error (cancellation, crash, timeout, shutdown). */
  failAll(error: unknown): void {
    if (this.state === 'settled') return;
    this.state = 'settled';
    clearTimeout(this.timer);
    this.sink.complete(new Array(this.args.length), new Array(this.args.length).fill(error), 0);
  }

  settle(values: ArrayLike<unknown>, errors: unknown[] | null, ms: number): void {
    if (this.state === 'settled') return;
    this.state = 'settled';
    clearTimeout(this.timer);
    this.sink.complete(values, errors, ms);
  }

  /**
   * A worker died in the middle of a chunk on item `at`: that item gets the crash, the
   * items before it ran but their results died with the worker (they fail too: running
   * them again could repeat their side effects), and the items after it never started,
   * so they are returned as a new chunk to run elsewhere. Its outcome joins this one's.
   */
  failFrom(at: number, crash: Error): PoolChunk | undefined {
    const n = this.args.length;
    const errors: unknown[] = new Array(n);
    const lost = new WorkerCrashedError(
      `${(crash as WorkerCrashedError).reason ?? crash.message}; this task had finished, but its result was lost with the worker`,
      (crash as WorkerCrashedError).exitCode,
      { cause: crash, signal: (crash as WorkerCrashedError).signal },
    );
    const values: unknown[] = new Array(n);
    const done = this.partial; // what the worker managed to report before dying
    for (let i = 0; i < Math.min(at, n); i++) {
      if (done && i < done.values.length) {
        values[i] = done.values[i];
        errors[i] = done.errors?.[i];
      } else {
        errors[i] = lost;
      }
    }
    if (at < n) errors[at] = crash;
    if (this.moved) for (let i = at + 1; i < n; i++) errors[i] = unsendable(crash);
    if (at + 1 >= n || this.moved) {
      this.settle(values, errors, 0);
      return undefined;
    }
    const rest = new PoolChunk(this.control, this.task, this.args.slice(at + 1), this.spread, this.limits, {
      complete: (restValues, restErrors, ms) => {
        for (let k = 0; k < restValues.length; k++) values[at + 1 + k] = restValues[k];
        if (restErrors) restErrors.forEach((e, k) => e !== undefined && (errors[at + 1 + k] = e));
        this.sink.complete(values, errors, ms); // this chunk itself is already marked settled
      },
    });
    this.state = 'settled';
    this.replacedBy = rest;
    return rest;
  }
}

/** For a chunk whose transfer()ed buffers died with its worker. */
export function unsendable(crash: Error): WorkerCrashedError {
  const c = crash as WorkerCrashedError;
  return new WorkerCrashedError(
    `${c.reason ?? crash.message}; it had not started, but the buffers it moved with transfer() went with the worker, so it cannot run elsewhere`,
    c.exitCode,
    { cause: crash, signal: c.signal },
  );
}

import type { ChunkHandle, ChunkSink } from '../chunk.js';
import { DONE, RUNNING, STOP } from '../protocol.cjs';
import type { EncodedTask } from '../task.js';
import type { WorkerSlot } from './worker-slot.js';

/** How the scheduler acts on a chunk's handle. */
export interface ChunkControl {
  withdraw(chunk: PoolChunk): boolean;
  cancel(chunk: PoolChunk, stopRunning: boolean): void;
}

let nextChunkId = 1;

/** A chunk as the thread pool tracks it, and the handle its submitter holds. */
export class PoolChunk implements ChunkHandle {
  readonly id = nextChunkId++;
  /** Where it is: waiting on the host, sent to `slot`, or settled. */
  state: 'queued' | 'sent' | 'settled' = 'queued';
  slot: WorkerSlot | undefined;
  ring = -1;
  timer: ReturnType<typeof setTimeout> | undefined;
  /** Why its worker is being stopped on its account, if it is. */
  killedFor: 'timeout' | 'cancel' | undefined;
  /** What a dying worker reported of this chunk: outcomes of its first items. */
  partial: { values: unknown[]; errors: (unknown | undefined)[] | null } | undefined;
  /** A partitioned re-send that carries on for this chunk. */
  replacedBy: PoolChunk | undefined;

  constructor(
    private readonly control: ChunkControl,
    readonly task: EncodedTask,
    /** The items: argument lists when `spread`, else each item is the only argument. */
    readonly args: unknown[],
    readonly spread: boolean,
    readonly timeoutMs: number | undefined,
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
}

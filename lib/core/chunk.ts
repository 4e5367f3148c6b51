/**
 * A chunk: one or more items of the same task, sent to one worker in one message. It is
 * the unit every executor schedules; a Future is a chunk of one item seen from outside,
 * and the map engine uses chunks directly so that tiny tasks cost no Future each.
 */
import type { EncodedTask } from './task.js';

export interface ChunkSink {
  /**
   * Called exactly once, when every item has an outcome. `errors[i] !== undefined` means
   * item i failed with that error (a CancelledError when it was cancelled).
   * `ms` is the time the worker spent on the chunk.
   */
  complete(values: ArrayLike<unknown>, errors: unknown[] | null, ms: number): void;
  /** Item `item` reported progress (`reportProgress(value)` in the worker). */
  progress?(item: number, value: unknown): void;
  /** Values a streaming task produced, in order (before `complete`); a batch of numbers may be a typed array. */
  values?(values: ArrayLike<unknown>): void;
}

export interface ChunkHandle {
  /** Withdraws the chunk if no item has started: true means none of it will ever run. */
  withdraw(): boolean;
  /** True once a worker has started the chunk. */
  started(): boolean;
  /**
   * Cancels what has not run. A running chunk is stopped when `stopRunning`: its items fail
   * now, its task's signal aborts, and its worker is terminated and replaced only if the
   * task does not settle within cancelGrace; else it finishes its current item and skips
   * the rest. `complete` is still called.
   */
  cancel(stopRunning: boolean): void;
  /** A streaming chunk may send values up to `total` (see STREAM_CREDIT). */
  grant?(total: number): void;
}

export interface ChunkOptions {
  readonly timeoutMs?: number;
  /** ms a stopped task has to settle before its worker is terminated; default the executor's cancelGrace. */
  readonly graceMs?: number;
  /** Each item is an argument list (submit, starmap); else the item is the only argument. */
  readonly spread: boolean;
  /** A streaming task (one item): its values reach `sink.values` as it produces them. */
  readonly stream?: boolean;
}

/** The arguments of one item. */
export function argsOf(item: unknown, spread: boolean): readonly unknown[] {
  return spread ? (item as unknown[]) : [item];
}

/** What the map engine needs from an executor. */
export interface ChunkRunner {
  runChunk(task: EncodedTask, items: unknown[], options: ChunkOptions, sink: ChunkSink): ChunkHandle;
  /** How many chunks can run at once (sizes the default window). */
  readonly parallelism: number;
  /**
   * Throws a TypeError for a task this runner can never run (BullMQExecutor runs only tasks
   * that its workers serve by name); called where the task is given, so the error is synchronous.
   */
  checkTask?(task: EncodedTask): void;
}

/** A handle for a chunk that never left the host (for instance all of it failed up front). */
export const SETTLED_HANDLE: ChunkHandle = {
  withdraw: () => false,
  started: () => false,
  cancel: () => {},
};

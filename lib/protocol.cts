/**
 * What the host and a worker agree on: the only file both sides import.
 *
 * Transport: threads.js spawns the worker and carries one `connect` call; after that
 * both sides talk over a dedicated MessageChannel (one listener each, no per-task
 * listeners). A chunk sent ahead is claimed by the worker or withdrawn by the host
 * race-free: through a small SharedArrayBuffer where there is one (no message), else by
 * asking the host, which then holds the states (one round trip per chunk: see
 * ClaimMessage). Both are the same state machine: QUEUED → RUNNING | WITHDRAWN, RUNNING → STOP | DONE.
 */

/** How a task is named on the wire. Sent once per worker, then referred to by `id`. */
export type TaskDef =
  | { readonly kind: 'fn'; readonly source: string; readonly name: string }
  | { readonly kind: 'module'; readonly url: string; readonly exportName: string };

/** The API the worker exposes through threads.js. */
export interface WorkerApi {
  /**
   * Hands over the port and the shared chunk states (null: no shared memory here, chunks
   * are claimed by message); runs the initializer. Rejects if it fails.
   */
  connect(port: unknown, shared: SharedArrayBuffer | null, init: InitSpec | null): Promise<void>;
}

export interface InitSpec {
  readonly def: TaskDef;
  readonly args: readonly unknown[];
}

/** Host → worker: run one chunk (one or more items of the same task). */
export interface RunMessage {
  readonly id: number;
  /** Index into the ring of chunk states (shared memory). */
  readonly ring: number;
  readonly task: number;
  /** Present the first time this worker meets `task`. */
  readonly def?: TaskDef;
  /** One entry per item: its argument list when `spread`, else its only argument (all-number items travel packed, see packNumbers). */
  readonly items: readonly unknown[] | PackedNumbers;
  readonly spread: boolean;
  /** Items announce their start (a `StartMessage`) so the host can time them. */
  readonly timed: boolean;
  /** A streaming task (one item): its values travel in ValuesMessages, under STREAM_CREDIT. */
  readonly stream?: boolean;
  /**
   * Without shared memory: handed over already claimed (the host holds it RUNNING), so the
   * worker starts it without asking. Only for tiny chunks, one ahead per worker (see PoolChunk).
   */
  readonly claimed?: true;
}

/**
 * A child-process worker's handshake over its IPC channel, before any batch (batches are
 * arrays, these are plain objects): the child says it is up, the host sends `connect` (the
 * initializer, if any), the child answers once it ran.
 */
export type ProcessHandshake =
  | { readonly up: true }
  | { readonly connect: InitSpec | null }
  | { readonly connected: true }
  | { readonly connected: false; readonly error: WireError };

/** Values a streaming task may send beyond what the host has delivered (its credit). */
export const STREAM_CREDIT = 1024;

/** Host → worker, in one batch: chunks to run, stop requests, and (without shared memory) chunk-state news. */
export type HostMessage = RunMessage | ClaimReply | StopMessage | AbortMessage | CreditMessage | RecallMessage;

/**
 * Without shared memory: give back the chunk in ring slot `ring`, handed over claimed, if it
 * has not started (another worker is idle). Answered by a RecalledMessage only if given back.
 */
export interface RecallMessage {
  readonly c: 'recall';
  readonly ring: number;
}

/** A streaming chunk may send values up to `total` (delivered so far + STREAM_CREDIT). */
export interface CreditMessage {
  readonly c: 'credit';
  readonly ring: number;
  readonly total: number;
}

/**
 * Stop the running chunk in ring slot `ring`: abort its task's signal with this reason (the
 * error its future got), skip its other items, and answer with a StoppingMessage.
 */
export interface AbortMessage {
  readonly c: 'abort';
  readonly ring: number;
  readonly name: string;
  readonly message: string;
}

/** Without shared memory: the answer to a ClaimMessage. `ok` false: it was withdrawn, skip it. */
export interface ClaimReply {
  readonly c: 'claimed';
  readonly ring: number;
  readonly ok: boolean;
}

/** Without shared memory: STOP for a running chunk (seen between items that await). */
export interface StopMessage {
  readonly c: 'stop';
  readonly ring: number;
}

/** Worker → host. */
export type WorkerMessage =
  | DoneMessage
  | StartMessage
  | CrashMessage
  | ExitMessage
  | PartialMessage
  | ClaimMessage
  | StoppingMessage
  | ProgressMessage
  | ValuesMessage
  | RecalledMessage;

/** The worker gave back chunk `id` (a RecallMessage) unstarted: its ring slot is free, the host runs it elsewhere. */
export interface RecalledMessage {
  readonly k: 'recalled';
  readonly id: number;
  readonly ring: number;
}

/** Values of a streaming task, in order; its DoneMessage (with its error, if any) comes after them. */
export interface ValuesMessage {
  readonly k: 'values';
  readonly id: number;
  /** All-number batches travel packed (see packNumbers). */
  readonly values: unknown[] | PackedNumbers;
}

/** The worker heard an AbortMessage for chunk `id` (its thread is not stuck in synchronous code). */
export interface StoppingMessage {
  readonly k: 'stopping';
  readonly id: number;
}

/** A task called reportProgress(value). */
export interface ProgressMessage {
  readonly k: 'progress';
  readonly id: number;
  readonly item: number;
  readonly value: unknown;
}

/** Where the worker runtime leaves its hooks for `rxjs-futures/worker` (a module of its own, maybe another copy). */
export const WORKER_HOOKS = Symbol.for('rxjs-futures.worker-hooks');

export interface WorkerHooks {
  /** The running task's signal, or undefined outside a task. */
  signal(): AbortSignal | undefined;
  /** Sends a progress value of the running task; false outside a task. */
  progress(value: unknown): boolean;
}

/** Without shared memory: may the worker start this chunk (QUEUED → RUNNING)? Answered by a ClaimReply. */
export interface ClaimMessage {
  readonly k: 'claim';
  readonly ring: number;
}

export interface DoneMessage {
  readonly k: 'done';
  readonly id: number;
  /** Its ring slot: without shared memory, the host marks that chunk DONE by it. */
  readonly ring: number;
  /** Results by item; `undefined` where the item failed or was skipped. All-number results travel packed (see packNumbers). */
  readonly values: unknown[] | PackedNumbers;
  /** `null` when every item succeeded. */
  readonly errors: (WireError | undefined)[] | null;
  /** Wall time the worker spent on the chunk, ms (drives adaptive chunking). */
  readonly ms: number;
}

export interface StartMessage {
  readonly k: 'start';
  readonly id: number;
  readonly item: number;
}

/** Sent just before the worker exits on an uncaught error or unhandled rejection. */
export interface CrashMessage {
  readonly k: 'crash';
  readonly error: WireError;
}

/** Sent by a dying worker: the outcomes of the items of its current chunk that finished. */
export interface PartialMessage {
  readonly k: 'partial';
  readonly id: number;
  readonly values: unknown[];
  readonly errors: (WireError | undefined)[] | null;
}

/**
 * Sent when a task ends its worker itself: tells it apart from a kill from outside. `code`
 * is process.exit()'s; in a browser, where a worker has no exit code, `call` says what ended it.
 */
export interface ExitMessage {
  readonly k: 'exit';
  readonly code: number | undefined;
  readonly call?: string;
}

/** A failure, flattened for structured clone with everything a user relies on kept. */
export type WireError =
  | {
      readonly kind: 'error';
      /** Built-in constructor to rebuild with (`TypeError`…), else `Error`. */
      readonly ctor: string;
      readonly name: string;
      readonly message: string;
      readonly stack?: string;
      readonly cause?: WireError;
      readonly hasCause: boolean;
      readonly props?: Record<string, unknown>;
      readonly errors?: WireError[];
    }
  | { readonly kind: 'value'; readonly value: unknown }
  | { readonly kind: 'serialization'; readonly message: string }
  | { readonly kind: 'cancelled' };

/** Chunk states in the shared ring. The worker claims QUEUED→RUNNING; the host withdraws QUEUED→WITHDRAWN. */
export const QUEUED = 0;
export const RUNNING = 1;
export const WITHDRAWN = 2;
/** Set by the host on a running chunk: finish the current item, skip the rest. */
export const STOP = 3;
/** Set by the worker when a chunk is finished (its outcome is on its way). */
export const DONE = 4;

/** Layout of the shared Int32Array. */
export const SHARED_BUSY = 0; // 1 while the worker runs an item (for stats.running)
export const SHARED_RING_START = 1;
export const RING_SIZE = 64;
/** Per ring slot: the index of the item the worker is on (which item a crash belongs to). */
export const SHARED_PROGRESS_START = SHARED_RING_START + RING_SIZE;
export const SHARED_LENGTH = SHARED_PROGRESS_START + RING_SIZE;

/** A chunk's all-number items or results, as they travel (see packNumbers). */
export type PackedNumbers = Int32Array | Float64Array;

/**
 * Numbers travel as one typed array (moved, not cloned) instead of an array of values:
 * structured clone of a large number array costs far more than a memcpy. Lossless. Int32
 * when every value is one, so that small integers reach the task as the small integers
 * V8 made them on the host: a task's loop over a number read back from a Float64Array
 * ran up to 1.6× slower (measured with a 2 µs task). Returns undefined when not all
 * values are numbers.
 */
export function packNumbers(values: ArrayLike<unknown>): PackedNumbers | undefined {
  const n = values.length;
  if (n < 16) return undefined;
  let int32 = true;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (typeof v !== 'number') return undefined;
    if (int32 && ((v | 0) !== v || Object.is(v, -0))) int32 = false;
  }
  const numbers = values as ArrayLike<number>;
  return int32 ? Int32Array.from(numbers) : Float64Array.from(numbers);
}

/** What a task's result must look like to stream, on either side (API.md, "Streaming tasks"). */
export interface Subscribable {
  subscribe(observer: { next(v: unknown): void; error(e: unknown): void; complete(): void }): {
    unsubscribe(): void;
  };
}

export function isObservableLike(v: unknown): v is Subscribable {
  return typeof v === 'object' && v !== null && typeof (v as Subscribable).subscribe === 'function';
}

export function isAsyncIterable(v: unknown): v is AsyncIterable<unknown> {
  return (
    typeof v === 'object' && v !== null && typeof (v as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function'
  );
}

/** A promise of a result (an async generator object has no then(), so it is no thenable). */
export function isThenable(v: unknown): v is PromiseLike<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as PromiseLike<unknown>).then === 'function';
}

/** Brand of a value wrapped by `transfer()`; recognised on both sides. */
export const TRANSFER_BRAND = '__rxjsFuturesTransfer__';

export interface TransferMarker<T> {
  readonly [TRANSFER_BRAND]: true;
  readonly value: T;
  readonly transferList: readonly object[];
}

export function isTransferMarker(v: unknown): v is TransferMarker<unknown> {
  return typeof v === 'object' && v !== null && (v as Record<string, unknown>)[TRANSFER_BRAND] === true;
}

/**
 * `values` with each transfer() marker replaced by the value it wraps, and what the
 * markers move. A copy when there are markers (the caller's array is left alone), else
 * `values` itself. Used for arguments on the host and for results in the worker.
 */
export function unwrapTransfers<T>(values: T[]): { values: T[]; moved?: object[] } {
  let out: T[] | undefined;
  let moved: object[] | undefined;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!isTransferMarker(v)) continue;
    (out ??= values.slice())[i] = v.value as T;
    (moved ??= []).push(...v.transferList);
  }
  return out ? { values: out, moved } : { values };
}

/**
 * One worker: made by the pool's spawner (a thread through threads.js, or a child process),
 * then driven over its own channel and a small ring of chunk states. Knows nothing of
 * queues or futures; it sends what the scheduler gives it and reports every message and
 * its death.
 */
import { packNumbers, RING_SIZE, WITHDRAWN, type InitSpec } from '../protocol.cjs';
import { MessageStates } from '../chunk-states/message-states.js';
import { SharedRing } from '../chunk-states/shared-ring.js';
import type { ChunkStates, SchedulerMessage } from '../chunk-states/chunk-states.js';
import { transfersOf } from '../core/transfer.js';
import type { WorkerEnd, WorkerSpawner, WorkerTransport } from '../platform/platform.js';
import type { PoolChunk } from './pool-chunk.js';
import { SlotOutbox } from './slot-outbox.js';

export interface SlotOptions {
  readonly spawner: WorkerSpawner;
  readonly init: InitSpec | null;
}

export interface Death {
  readonly reason: string;
  readonly exitCode: number | undefined;
  /** The signal that ended a worker process. */
  readonly signal?: string;
  readonly error?: unknown;
  /** The scheduler asked for it (idle retirement, timeout, cancellation, shutdown). */
  readonly requested: boolean;
}

/** Why a worker did not come up: `init` means the initializer failed. */
export interface StartFailure {
  readonly stage: 'spawn' | 'init';
  readonly error: unknown;
}

export interface SlotListener {
  onMessage(slot: WorkerSlot, message: SchedulerMessage): void;
  /** After each batch of messages: a good moment to dispatch. */
  afterMessages(slot: WorkerSlot): void;
  onExit(slot: WorkerSlot, death: Death): void;
  /** A chunk could not be cloned; it is no longer in flight here. */
  onSendFailed(slot: WorkerSlot, chunk: PoolChunk): void;
}

let nextSlotId = 1;

/** How long a terminated worker may take to report its exit before it counts as exited. */
const EXIT_WAIT_MS = 2000;

export class WorkerSlot {
  readonly id = nextSlotId++;
  #states!: ChunkStates;
  /** Chunks sent and not yet answered, in the order sent. */
  readonly inflight = new Map<number, PoolChunk>();
  ready = false;
  /** It came up once (connected, initializer done). */
  started = false;
  dead = false;
  /** Resolves when the thread has exited. */
  readonly exited: Promise<void>;
  #markExited!: () => void;
  /** Items ever sent (for maxTasksPerWorker). */
  itemsSent = 0;
  idleTimer: ReturnType<typeof setTimeout> | undefined;
  #worker: WorkerTransport | undefined;
  /** Chunk id → ring slot of chunks handed to another worker: freed when this one skips them. */
  readonly #handedOver = new Map<number, number>();
  #freeRing: number[] = Array.from({ length: RING_SIZE }, (_, i) => RING_SIZE - 1 - i);
  readonly #out = new SlotOutbox({
    post: (batch, transfers) => this.#worker!.post(batch, transfers),
    dead: () => this.dead,
    refused: (id) => {
      const chunk = this.inflight.get(id);
      if (!chunk) return;
      this.release(chunk);
      this.listener.onSendFailed(this, chunk);
    },
  });
  #requested: string | undefined;
  #lastError: { reason: string; error: unknown } | undefined;
  #crash: { reason: string; error: unknown } | undefined;
  #referenced = true;
  #onDeath: ((death: Death) => void) | undefined;
  #exitCall: { code: number | undefined; call: string | undefined } | undefined;
  #exitTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly listener: SlotListener,
    private readonly options: SlotOptions,
  ) {
    this.exited = new Promise<void>((resolve) => (this.#markExited = resolve));
  }

  /** Makes the worker; any throw here is a start failure, reported by start(). */
  #create(): WorkerTransport {
    const { spawner } = this.options;
    this.#states = spawner.sharedMemory ? new SharedRing() : new MessageStates((m) => this.#out.push(m));
    return spawner.spawn({
      message: (batch) => {
        for (const m of batch) if (!this.#states.handle(m)) this.listener.onMessage(this, m);
        this.listener.afterMessages(this);
      },
      error: (reason, error) => (this.#lastError ??= { reason, error }),
      exit: (end) => {
        this.ready = false;
        this.#died(end);
      },
    });
  }

  /** Handles, now, every message the worker has already posted (before its death is judged). */
  drain(): void {
    this.#worker?.drain();
  }

  get threadId(): number {
    return this.#worker?.threadId ?? -1;
  }

  /**
   * Spawns, connects the port and runs the initializer. Rejects with a `StartFailure`
   * if any of it fails or the thread dies meanwhile.
   */
  async start(): Promise<void> {
    const died = new Promise<never>((_, reject) => {
      this.#onDeath = (d) => reject(new Error(d.reason));
    });
    died.catch(() => {});
    let stage: StartFailure['stage'] = 'spawn';
    try {
      this.#worker = this.#create();
      await Promise.race([this.#worker.spawn(), died]);
      stage = 'init';
      await Promise.race([this.#worker.connect(this.#states.buffer, this.options.init), died]);
    } catch (error) {
      throw { stage, error } satisfies StartFailure;
    }
    this.#onDeath = undefined;
    this.ready = !this.dead;
    this.started = this.ready;
  }

  /** True once the pool asked for this worker's end (shutdown, retirement, a stop). */
  get terminating(): boolean {
    return this.#requested !== undefined;
  }

  /** Terminates the worker and resolves once it has exited. */
  terminateAndWait(why: string): Promise<void> {
    this.terminate(why);
    return this.exited;
  }

  /** True if a ring slot is free. */
  hasRoom(): boolean {
    return this.#freeRing.length > 0;
  }

  /**
   * Queues a chunk for the worker, in this tick's message (see slot-outbox.ts).
   */
  send(chunk: PoolChunk, claimed = false): void {
    const ring = this.#freeRing.pop()!;
    const task = chunk.task;
    const known = this.#out.knownTasks;
    // Copies: chunk.args stays whole here, to be sent again if this worker dies.
    const packed = chunk.spread ? undefined : packNumbers(chunk.args);
    // Numbers carry no transfer() markers.
    const { items, moved } = packed ? { items: packed, moved: undefined } : transfersOf(chunk.args, chunk.spread);
    const transfers = packed ? [packed.buffer] : moved && this.options.spawner.transfers ? moved : undefined;
    if (transfers === moved && moved) chunk.moved = true; // what it moves leaves this thread: it cannot be sent again
    this.#out.push(
      {
        id: chunk.id,
        ring,
        task: task.id,
        def: known.has(task.id) ? undefined : task.def,
        items,
        spread: chunk.spread,
        timed: chunk.limits.timeoutMs !== undefined,
        stream: chunk.stream || undefined,
        claimed: claimed || undefined,
      },
      transfers,
    );
    this.#states.reset(ring, claimed);
    known.add(task.id);
    chunk.ring = ring;
    this.inflight.set(chunk.id, chunk);
    this.itemsSent += chunk.args.length;
    this.setBusy(true);
  }

  /**
   * Gives up a chunk the worker has not claimed (the caller withdrew it in the ring) so
   * another worker can run it. Its ring slot stays taken until this worker skips it.
   */
  handOver(chunk: PoolChunk): void {
    this.inflight.delete(chunk.id);
    this.#handedOver.set(chunk.id, chunk.ring);
    this.itemsSent -= chunk.args.length;
  }

  /** True if chunk `id` had been handed over (and may not come back here before this). */
  awaitsSkip(id: number): boolean {
    return this.#handedOver.has(id);
  }

  /** The worker skipped a handed-over chunk: true if `id` was one; its ring slot is free again. */
  skipped(id: number): boolean {
    const ring = this.#handedOver.get(id);
    if (ring === undefined) return false;
    this.#handedOver.delete(id);
    this.#freeRing.push(ring);
    return true;
  }

  /** A streaming chunk may send values up to `total`. */
  postCredit(chunk: PoolChunk, total: number): void {
    if (!this.dead) this.#worker?.post([{ c: 'credit', ring: chunk.ring, total }], undefined);
  }

  /**
   * Asks the worker, now, to abort the running chunk's signal with `error` (see stop-path.ts):
   * its answer is timed. Sent with what this tick queued before it (a message-state twin's STOP).
   */
  postAbort(chunk: PoolChunk, error: Error): void {
    this.#out.push({ c: 'abort', ring: chunk.ring, name: error.name, message: error.message });
    this.#out.flush();
  }

  /** Forgets an answered, acknowledged, recalled or unsendable chunk and frees its ring slot. */
  release(chunk: PoolChunk): void {
    if (!this.inflight.delete(chunk.id)) return;
    this.#states.forget(chunk.ring);
    this.#freeRing.push(chunk.ring);
  }

  /**
   * True if `chunk` cannot have started: an earlier chunk of this worker is still to run
   * (the worker runs its chunks in the order sent; a withdrawn one it only skips).
   */
  waitsBehind(chunk: PoolChunk): boolean {
    for (const [id, earlier] of this.inflight) {
      if (id === chunk.id) return false;
      if (this.#states.state(earlier.ring) !== WITHDRAWN) return true;
    }
    return false;
  }

  /** Asks the worker to give back `chunk` (handed over claimed) if it has not started it. */
  postRecall(chunk: PoolChunk): void {
    this.#out.push({ c: 'recall', ring: chunk.ring });
  }

  /** What differs between kinds of workers (hear time, serializer). */
  get spawner(): WorkerSpawner {
    return this.options.spawner;
  }

  /** The item of a started chunk that the worker is on (or was on when it died). */
  progress(chunk: PoolChunk): number | undefined {
    return this.#states.progress(chunk.ring);
  }

  ringState(chunk: PoolChunk): number {
    return this.#states.state(chunk.ring);
  }

  compareExchangeRing(chunk: PoolChunk, expected: number, replacement: number): number {
    return this.#states.compareExchange(chunk.ring, expected, replacement);
  }

  /** 1 while the worker runs an item. */
  busyNow(): number {
    return this.ready ? this.#states.busy() : 0;
  }

  /** An idle worker must never keep the process alive. */
  setBusy(busy: boolean): void {
    if (busy === this.#referenced || !this.#worker) return;
    this.#referenced = busy;
    this.#worker.setRef(busy);
  }

  /**
   * Terminates the worker; `why` becomes the reason its chunks are given. Until it has exited
   * it keeps the host alive: an idle worker is unref'd, and had the event loop ended first,
   * shutdown() would be left unsettled (a script's `await using` then exits with code 13).
   */
  terminate(why: string): void {
    if (this.dead) return;
    this.#requested ??= why;
    this.ready = false;
    if (this.#worker) {
      this.setBusy(true);
      this.#worker.terminate();
      // Node sometimes drops a thread terminated while it starts without an 'exit' event (seen
      // about once in 70 shutdowns under load): after EXIT_WAIT_MS it counts as exited, and
      // no longer keeps the host alive.
      this.#exitTimer ??= setTimeout(() => {
        this.#worker?.setRef(false);
        this.#died({});
      }, EXIT_WAIT_MS);
      return;
    }
    // Never made (its construction threw): nothing will exit, and it held no chunk.
    this.dead = true;
    this.#markExited();
  }

  /** The worker's own crash report: it names the cause, whatever the platform said around it. */
  noteCrash(reason: string, error: unknown): void {
    this.#crash ??= { reason, error }; // the first report is the cause
  }

  /** The worker reported that its task ends it: process.exit(code), or `call` (a browser's self.close()). */
  noteExitCall(code: number | undefined, call: string | undefined): void {
    this.#exitCall = { code, call };
  }

  #died(end: WorkerEnd): void {
    if (this.dead) return;
    this.dead = true;
    this.ready = false;
    clearTimeout(this.idleTimer);
    clearTimeout(this.#exitTimer);
    const death = this.#judge(end);
    if (this.#onDeath) this.#worker?.releaseSpawn(); // died while starting
    this.#onDeath?.(death);
    this.#markExited();
    this.listener.onExit(this, death);
  }

  /** Why it died: what we asked for, else what the worker itself said, else what the platform saw. */
  #judge({ code, signal, reason, exitCall }: WorkerEnd): Death {
    const requested = this.#requested !== undefined;
    if (requested) return { reason: this.#requested!, exitCode: undefined, signal, requested };
    const told = this.#crash ?? this.#lastError;
    if (told) return { ...told, exitCode: undefined, signal, requested };
    const { code: exitCode, call } = this.#exitCall ?? { code: exitCall, call: undefined };
    if (call !== undefined) return { reason: `the task called ${call}`, exitCode, requested };
    if (exitCode !== undefined) {
      return { reason: `the task called process.exit(${exitCode})`, exitCode, requested };
    }
    const noun = this.options.spawner.noun;
    return {
      reason:
        reason ??
        (signal
          ? `the ${noun} was killed by ${signal}`
          : `the ${noun} was stopped from outside${code === undefined ? '' : ` (exit code ${code})`}`),
      exitCode: undefined,
      signal,
      requested,
    };
  }
}

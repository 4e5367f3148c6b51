/**
 * One worker thread: spawned with threads.js, then driven over its own MessagePort and a
 * small shared ring of chunk states. Knows nothing of queues or futures; it sends what
 * the scheduler gives it and reports every message and its death.
 */
import { MessageChannel, receiveMessageOnPort, type MessagePort, type ResourceLimits } from 'node:worker_threads';
import {
  packNumbers,
  QUEUED,
  RING_SIZE,
  SHARED_BUSY,
  SHARED_LENGTH,
  SHARED_PROGRESS_START,
  SHARED_RING_START,
  type InitSpec,
  type RunMessage,
  type WorkerMessage,
} from '../protocol.cjs';
import { transfersOf } from '../transfer.js';
import type { PoolChunk } from './pool-chunk.js';
import { createThreadsWorker, type NodeWorker, type ThreadsWorker } from './threads-worker.js';

export interface SlotOptions {
  readonly name?: string;
  readonly resourceLimits?: ResourceLimits;
  readonly init: InitSpec | null;
}

export interface Death {
  readonly reason: string;
  readonly exitCode: number | undefined;
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
  onMessage(slot: WorkerSlot, message: WorkerMessage): void;
  /** After each batch of messages: a good moment to dispatch. */
  afterMessages(slot: WorkerSlot): void;
  onExit(slot: WorkerSlot, death: Death): void;
  /** A chunk could not be cloned; it is no longer in flight here. */
  onSendFailed(slot: WorkerSlot, chunk: PoolChunk): void;
}

let nextSlotId = 1;

export class WorkerSlot {
  readonly id = nextSlotId++;
  shared!: Int32Array;
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
  #threads: ThreadsWorker | undefined;
  #worker: NodeWorker | undefined;
  /** Chunk id → ring slot of chunks handed to another worker: freed when this one skips them. */
  readonly #handedOver = new Map<number, number>();
  #port: MessagePort | undefined;
  #freeRing: number[] = Array.from({ length: RING_SIZE }, (_, i) => RING_SIZE - 1 - i);
  #knownTasks = new Set<number>();
  #outbox: RunMessage[] = [];
  #outTransfers: object[] | undefined;
  #flushScheduled = false;
  #requested: string | undefined;
  #lastError: { reason: string; error: unknown } | undefined;
  #referenced = true;
  #onDeath: ((death: Death) => void) | undefined;
  #exitCall: number | undefined;

  constructor(
    private readonly listener: SlotListener,
    private readonly options: SlotOptions,
  ) {
    this.exited = new Promise<void>((resolve) => (this.#markExited = resolve));
  }

  /** Makes the Worker; any throw here is a start failure, reported by start(). */
  #create(): void {
    this.shared = new Int32Array(new SharedArrayBuffer(SHARED_LENGTH * 4));
    this.#threads = createThreadsWorker(this.options);
    this.#worker = this.#threads.worker;
    // threads.js listens to neither; without these an OOM or crash would kill the host.
    this.#worker.on('error', (err: Error & { code?: string }) => {
      this.#lastError ??= {
        reason:
          err.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? 'out of memory (resourceLimits exceeded)'
            : `worker error: ${err.message}`,
        error: err,
      };
    });
    this.#worker.on('exit', (code: number) => {
      // Messages posted just before the exit (results, a crash report) may still wait
      // in our port: take them first, so that they count and the reason is right.
      this.ready = false;
      this.drain();
      this.#died(code);
    });
  }

  /** Handles, now, every message the worker has already posted (before its death is judged). */
  drain(): void {
    if (!this.#port) return;
    let batch: { message: WorkerMessage[] } | undefined;
    let got = false;
    while ((batch = receiveMessageOnPort(this.#port) as typeof batch)) {
      for (const m of batch.message) this.listener.onMessage(this, m);
      got = true;
    }
    if (got) this.listener.afterMessages(this);
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
      this.#create();
      const thread = await Promise.race([this.#threads!.spawn(), died]);
      const { port1, port2 } = new MessageChannel();
      this.#port = port1;
      port1.on('message', (batch: WorkerMessage[]) => {
        for (const m of batch) this.listener.onMessage(this, m);
        this.listener.afterMessages(this);
      });
      port1.unref(); // the worker's own ref decides whether the process stays alive
      stage = 'init';
      const buffer = this.shared.buffer as SharedArrayBuffer;
      await Promise.race([thread.connect(port2, buffer, this.options.init), died]);
    } catch (error) {
      throw { stage, error } satisfies StartFailure;
    }
    this.#onDeath = undefined;
    this.ready = !this.dead;
    this.started = this.ready;
  }

  /** Terminates the thread and resolves once it has exited. */
  terminateAndWait(why: string): Promise<void> {
    this.terminate(why);
    return this.exited;
  }

  /** True if a ring slot is free. */
  hasRoom(): boolean {
    return this.#freeRing.length > 0;
  }

  /**
   * Queues a chunk for the worker. Chunks sent in the same tick travel as one message
   * (flushed on process.nextTick): far fewer postMessage calls for tiny tasks.
   */
  send(chunk: PoolChunk): void {
    const ring = this.#freeRing.pop()!;
    const task = chunk.task;
    const first = !this.#knownTasks.has(task.id);
    // Copies: chunk.args stays whole here, to be sent again if this worker dies.
    const packed = chunk.spread ? undefined : packNumbers(chunk.args);
    // Numbers carry no transfer() markers.
    const { items, moved } = packed ? { items: packed, moved: undefined } : transfersOf(chunk.args, chunk.spread);
    if (moved) {
      (this.#outTransfers ??= []).push(...moved);
      chunk.moved = true; // what it moves leaves this thread: it cannot be sent again
    }
    if (packed) (this.#outTransfers ??= []).push(packed.buffer);
    this.#outbox.push({
      id: chunk.id,
      ring,
      task: task.id,
      def: first ? task.def : undefined,
      items,
      spread: chunk.spread,
      timed: chunk.timeoutMs !== undefined,
    });
    Atomics.store(this.shared, SHARED_RING_START + ring, QUEUED);
    this.#knownTasks.add(task.id);
    chunk.ring = ring;
    this.inflight.set(chunk.id, chunk);
    this.itemsSent += chunk.args.length;
    this.setBusy(true);
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      process.nextTick(this.#flush); // not queueMicrotask: that makes an AsyncResource per call
    }
  }

  readonly #flush = (): void => {
    this.#flushScheduled = false;
    const batch = this.#outbox;
    const transfers = this.#outTransfers;
    this.#outbox = [];
    this.#outTransfers = undefined;
    if (this.dead || batch.length === 0) return; // the exit handler re-queues what was held
    try {
      this.#port!.postMessage(batch, transfers as never);
      return;
    } catch {
      // Something in the batch cannot be cloned: send one by one to find it.
    }
    const lostDefs = new Map<number, RunMessage['def']>();
    for (let msg of batch) {
      if (!msg.def && lostDefs.has(msg.task)) msg = { ...msg, def: lostDefs.get(msg.task) };
      try {
        this.#port!.postMessage([msg]);
        if (lostDefs.delete(msg.task)) this.#knownTasks.add(msg.task);
      } catch {
        if (msg.def) {
          // The definition never arrived: the task's next chunk must carry it.
          lostDefs.set(msg.task, msg.def);
          this.#knownTasks.delete(msg.task);
        }
        const chunk = this.inflight.get(msg.id);
        if (chunk) {
          this.release(chunk);
          this.listener.onSendFailed(this, chunk);
        }
      }
    }
  };

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

  /** Forgets an answered (or acknowledged) chunk and frees its ring slot. */
  release(chunk: PoolChunk): void {
    if (this.inflight.delete(chunk.id)) this.#freeRing.push(chunk.ring);
  }

  /** The item of a started chunk that the worker is on (or was on when it died). */
  progress(chunk: PoolChunk): number {
    return Atomics.load(this.shared, SHARED_PROGRESS_START + chunk.ring);
  }

  ringState(chunk: PoolChunk): number {
    return Atomics.load(this.shared, SHARED_RING_START + chunk.ring);
  }

  compareExchangeRing(chunk: PoolChunk, expected: number, replacement: number): number {
    return Atomics.compareExchange(this.shared, SHARED_RING_START + chunk.ring, expected, replacement);
  }

  /** 1 while the worker runs an item. */
  busyNow(): number {
    return this.ready ? Atomics.load(this.shared, SHARED_BUSY) : 0;
  }

  /** An idle worker must never keep the process alive. */
  setBusy(busy: boolean): void {
    if (busy === this.#referenced || !this.#worker) return;
    this.#referenced = busy;
    if (busy) this.#worker.ref();
    else this.#worker.unref();
  }

  /** Terminates the thread; `why` becomes the reason its chunks are given. */
  terminate(why: string): void {
    if (this.dead) return;
    this.#requested ??= why;
    this.ready = false;
    if (this.#worker) {
      void Promise.resolve(this.#worker.terminate()).catch(() => {});
      return;
    }
    // Never made (its construction threw): nothing will exit, and it held no chunk.
    this.dead = true;
    this.#markExited();
  }

  noteCrash(reason: string, error: unknown): void {
    this.#lastError = { reason, error };
  }

  /** The worker reported a process.exit(code) call. */
  noteExitCall(code: number): void {
    this.#exitCall = code;
  }

  #died(code: number): void {
    if (this.dead) return;
    this.dead = true;
    this.ready = false;
    clearTimeout(this.idleTimer);
    this.#port?.close();
    const requested = this.#requested !== undefined;
    const death: Death = requested
      ? { reason: this.#requested!, exitCode: undefined, requested }
      : this.#lastError
        ? { ...this.#lastError, exitCode: undefined, requested }
        : this.#exitCall !== undefined
          ? { reason: `the task called process.exit(${this.#exitCall})`, exitCode: this.#exitCall, requested }
          : {
              reason: `the worker thread was stopped from outside (exit code ${code})`,
              exitCode: undefined,
              requested,
            };
    if (this.#onDeath) this.#threads?.releaseSpawn(); // died while starting
    this.#onDeath?.(death);
    this.#markExited();
    this.listener.onExit(this, death);
  }
}

/**
 * What ThreadPoolExecutor and ProcessPoolExecutor share: their options, the scheduler
 * they run on, stats and shutdown. A subclass only says how its workers are made (a
 * WorkerSpawner) and which options of its own it takes.
 */
import { platform } from '#platform';
import type { ChunkHandle, ChunkOptions, ChunkSink } from '../core/chunk.js';
import { ExecutorBase, type LiveStats } from '../core/executor.js';
import { checkDuration, checkInteger, checkObject, describe } from '../core/options.js';
import { encodeTask, type EncodedTask, type Task } from '../core/task.js';
import type { InitSpec } from '../protocol.cjs';
import type { WorkerSpawner } from '../platform/platform.js';
import { Scheduler } from '../scheduler/scheduler.js';
import { DEFAULT_CANCEL_GRACE } from '../scheduler/stop-path.js';
import { WorkerSet } from '../scheduler/worker-set.js';

/** Options every pool takes. */
export interface PoolOptions {
  /** Most workers at once; default `os.availableParallelism()` (browsers: `navigator.hardwareConcurrency`). */
  maxWorkers?: number;
  /** Workers kept once started, even when idle (idle ones never keep the process alive); default 0. */
  minWorkers?: number;
  /** ms an idle worker above minWorkers lives; default 1000. */
  idleTimeout?: number;
  /** Runs once in each new worker before its first task, with `initargs`. */
  initializer?: Task<any[], unknown>;
  /** Arguments passed to `initializer`; default none. Structured-cloned to each worker. */
  initargs?: unknown[];
  /** A worker is replaced after running this many tasks; default unlimited. */
  maxTasksPerWorker?: number;
  /** Default per-task timeout in ms, from when a task starts running; default none. */
  taskTimeout?: number;
  /**
   * ms a stopped task (cancelled while running, or timed out) has to settle after its
   * signal aborts before its worker is terminated and replaced; default 50. 0: at once.
   */
  cancelGrace?: number;
  /** Worker name, shown in debuggers and heap snapshots (a process's title). */
  name?: string;
}

/** A pool of workers driven by one scheduler. */
export abstract class PoolExecutor extends ExecutorBase {
  /** How many tasks can run at once: `maxWorkers`. */
  readonly parallelism: number;
  /** @internal */
  readonly defaultTimeout: number | undefined;
  readonly #scheduler: Scheduler;
  readonly #cancelGrace: number;
  readonly #workers: WorkerSet;

  /** Checks the shared options (synchronously, before anything starts); `spawner` makes the workers. */
  protected constructor(where: string, options: PoolOptions | undefined, spawner: (o: PoolOptions) => WorkerSpawner) {
    super();
    const o = checkObject(where, options) as PoolOptions;
    checkInteger(where, 'maxWorkers', o.maxWorkers);
    checkInteger(where, 'minWorkers', o.minWorkers, 0);
    checkDuration(where, 'idleTimeout', o.idleTimeout, true);
    checkInteger(where, 'maxTasksPerWorker', o.maxTasksPerWorker);
    checkDuration(where, 'taskTimeout', o.taskTimeout);
    checkDuration(where, 'cancelGrace', o.cancelGrace, true);
    const maxWorkers = o.maxWorkers ?? platform.cpuCount();
    const minWorkers = o.minWorkers ?? 0;
    if (minWorkers > maxWorkers) {
      throw new RangeError(`${where}: minWorkers (${minWorkers}) cannot exceed maxWorkers (${maxWorkers})`);
    }
    if (o.initargs !== undefined && !Array.isArray(o.initargs)) {
      throw new TypeError(`${where}: initargs must be an array, got ${describe(o.initargs)}`);
    }
    if (o.name !== undefined && typeof o.name !== 'string') {
      throw new TypeError(`${where}: name must be a string, got ${describe(o.name)}`);
    }
    const init: InitSpec | null =
      o.initializer === undefined ? null : { def: encodeTask(o.initializer).def, args: o.initargs ?? [] };
    this.parallelism = maxWorkers;
    this.defaultTimeout = o.taskTimeout;
    this.#cancelGrace = o.cancelGrace ?? DEFAULT_CANCEL_GRACE;
    this.#workers = new WorkerSet({
      maxWorkers,
      minWorkers,
      idleTimeout: o.idleTimeout ?? 1000,
      maxTasksPerWorker: o.maxTasksPerWorker ?? Infinity,
      spawner: spawner(o),
      init,
    });
    this.#scheduler = new Scheduler(this.#workers, () => this.changed());
    this.#workers.onBroken = (error) => {
      this.markBroken(error);
      this.#scheduler.failEverything(error);
    };
  }

  protected runChunkNow(task: EncodedTask, items: unknown[], options: ChunkOptions, sink: ChunkSink): ChunkHandle {
    const limits = {
      timeoutMs: options.timeoutMs ?? this.defaultTimeout,
      graceMs: options.graceMs ?? this.#cancelGrace,
    };
    return this.#scheduler.enqueue(task, items, options.spread, limits, sink, options.stream);
  }

  protected liveStats(): LiveStats {
    const running = this.#workers.running();
    const s = this.#scheduler;
    return {
      workers: this.#workers.live(),
      idleWorkers: this.#workers.idle(),
      // A stopped task still running counts in `running`, not in inflightItems.
      queued: Math.max(0, s.queuedItems + s.inflightItems + s.stoppingItems() - running),
      running,
    };
  }

  // Runs to the end either way: with wait: false, shutdown() just does not await it.
  protected async stop(_wait: boolean, cancelFutures: boolean): Promise<void> {
    if (cancelFutures) this.#scheduler.cancelPending();
    await this.#scheduler.whenIdle();
    await this.#workers.close();
    this.changed();
  }
}

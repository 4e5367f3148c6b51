import { platform } from '#platform';
import type { ChunkHandle, ChunkOptions, ChunkSink } from '../core/chunk.js';
import { ExecutorBase, type LiveStats } from '../core/executor.js';
import { checkDuration, checkInteger, checkObject, describe } from '../core/options.js';
import { encodeTask, type EncodedTask, type Task } from '../core/task.js';
import { Scheduler } from '../scheduler/scheduler.js';
import { DEFAULT_CANCEL_GRACE } from '../scheduler/stop-path.js';
import { WorkerSet } from '../scheduler/worker-set.js';

/**
 * Node's `worker_threads.ResourceLimits`, spelled out so that the public types need no
 * `@types/node` (browser users have none).
 */
export interface ResourceLimits {
  /** Max size of the main heap, MB. */
  maxOldGenerationSizeMb?: number;
  /** Max size of the heap space for recently created objects, MB. */
  maxYoungGenerationSizeMb?: number;
  /** Size of the pre-allocated memory range used for generated code, MB. */
  codeRangeSizeMb?: number;
  /** Default max stack size of the thread, MB. */
  stackSizeMb?: number;
}

/** Options of {@link ThreadPoolExecutor}. */
export interface ThreadPoolExecutorOptions {
  /** Most worker threads at once; default `os.availableParallelism()` (browsers: `navigator.hardwareConcurrency`). */
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
  /** Node's worker resource limits (heap sizes, stack size); a TypeError in browsers. */
  resourceLimits?: ResourceLimits;
  /** Worker thread name, shown in debuggers and heap snapshots. */
  name?: string;
}

/**
 * Python's `ThreadPoolExecutor`/`ProcessPoolExecutor` for Node: tasks run on worker
 * threads spawned with threads.js, started lazily and retired when idle.
 * @example
 * await using ex = new ThreadPoolExecutor({ maxWorkers: 4 });
 * const f = ex.submit((a: number, b: number) => a + b, 1, 2);
 * console.log(await f); // 3
 */
export class ThreadPoolExecutor extends ExecutorBase {
  /** How many tasks can run at once: `maxWorkers`. */
  readonly parallelism: number;
  /** @internal */
  readonly defaultTimeout: number | undefined;
  readonly #scheduler: Scheduler;
  readonly #cancelGrace: number;
  readonly #workers: WorkerSet;

  constructor(options?: ThreadPoolExecutorOptions) {
    super();
    const where = 'ThreadPoolExecutor';
    const o = checkObject(where, options) as ThreadPoolExecutorOptions;
    checkInteger(where, 'maxWorkers', o.maxWorkers);
    checkInteger(where, 'minWorkers', o.minWorkers, 0);
    checkDuration(where, 'idleTimeout', o.idleTimeout, true);
    checkInteger(where, 'maxTasksPerWorker', o.maxTasksPerWorker);
    checkDuration(where, 'taskTimeout', o.taskTimeout);
    checkDuration(where, 'cancelGrace', o.cancelGrace, true);
    platform.checkPoolOptions(where, o as Record<string, unknown>);
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
    const init = o.initializer === undefined ? null : { def: encodeTask(o.initializer).def, args: o.initargs ?? [] };
    this.parallelism = maxWorkers;
    this.defaultTimeout = o.taskTimeout;
    this.#cancelGrace = o.cancelGrace ?? DEFAULT_CANCEL_GRACE;
    this.#workers = new WorkerSet({
      maxWorkers,
      minWorkers,
      idleTimeout: o.idleTimeout ?? 1000,
      maxTasksPerWorker: o.maxTasksPerWorker ?? Infinity,
      name: o.name,
      resourceLimits: o.resourceLimits,
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

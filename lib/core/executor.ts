/**
 * The Executor contract and what every executor shares: submit, map/starmap over the
 * one map engine, shutdown bookkeeping, validation, and stats.
 */
import { Observable, Subject, type ObservableInput } from 'rxjs';
import type { ChunkHandle, ChunkOptions, ChunkRunner, ChunkSink } from './chunk.js';
import { BrokenExecutorError, CancelledError, ExecutorShutdownError } from './errors.js';
import { Future } from './future.js';
import { mapStream, type FutureStream } from './map-engine.js';
import { checkMapOptions, checkObject, checkBoolean, type MapOptions } from './options.js';
import { findUnsendable, runPartitioned } from './serialization-check.js';
import { encodeTask, type EncodedTask, type Task } from './task.js';

/** What `map`/`starmap`/`parallelMap` accept as input. */
export type Source<T> = Iterable<T> | AsyncIterable<T> | ObservableInput<T>;

/** Counts of tasks (items), not chunks or messages. */
export interface ExecutorStats {
  /** Worker threads alive now (1 for InlineExecutor). */
  workers: number;
  /** Live workers with nothing to run. */
  idleWorkers: number;
  /** Tasks waiting for a worker. */
  queued: number;
  /** Tasks running now. */
  running: number;
  /** Total tasks that returned a value. */
  completed: number;
  /** Total tasks that threw, timed out or lost their worker. */
  failed: number;
  /** Total tasks cancelled before or while running. */
  cancelled: number;
}

/** Options of {@link Executor.shutdown}. */
export interface ShutdownOptions {
  /** Default true: resolve once running (and, without cancelFutures, queued) work is done and workers exited. */
  wait?: boolean;
  /** Default false: cancel every future that has not started. */
  cancelFutures?: boolean;
}

/** Python's `concurrent.futures.Executor`, with RxJS streams for `map`. */
export interface Executor {
  /**
   * Schedules `fn(...args)` and returns its Future at once.
   * @example
   * const f = executor.submit((a: number, b: number) => a + b, 1, 2); // await f → 3
   */
  submit<A extends unknown[], R>(fn: Task<A, R>, ...args: A): Future<R>;
  /**
   * `fn` over every item, in parallel; cold, and also an AsyncIterable.
   * @example
   * executor.map((x: number) => x * x, [1, 2, 3]).subscribe(console.log); // 1, 4, 9
   */
  map<T, R>(fn: Task<[T], R>, items: Source<T>, options?: MapOptions): FutureStream<R>;
  /**
   * Like `map`, but each item is an argument list.
   * @example
   * executor.starmap((a: number, b: number) => a + b, [[1, 2], [3, 4]]); // 3, 7
   */
  starmap<A extends unknown[], R>(fn: Task<A, R>, items: Source<A>, options?: MapOptions): FutureStream<R>;
  /**
   * Stops accepting work; by default resolves once running work is done. Idempotent.
   * @example
   * await executor.shutdown({ cancelFutures: true });
   */
  shutdown(options?: ShutdownOptions): Promise<void>;
  /**
   * `shutdown({ wait: true })`, for `await using`.
   * @example
   * await using executor = new ThreadPoolExecutor();
   */
  [Symbol.asyncDispose](): Promise<void>;
  /** Emits the current stats on subscribe and after every change. */
  readonly stats$: Observable<ExecutorStats>;
  /**
   * Current counts of workers and tasks.
   * @example
   * const { queued, running, completed } = executor.stats();
   */
  stats(): ExecutorStats;
}

export type { FutureStream, MapOptions };

/** Live counts an executor implementation reports; the base adds the totals. */
export interface LiveStats {
  workers: number;
  idleWorkers: number;
  queued: number;
  running: number;
}

/** Shared machinery of ThreadPoolExecutor and InlineExecutor. */
export abstract class ExecutorBase implements Executor, ChunkRunner {
  /** How many tasks can run at once. */
  abstract readonly parallelism: number;
  #completed = 0;
  #failed = 0;
  #cancelled = 0;
  #shutdown: Promise<void> | undefined;
  #broken: BrokenExecutorError | undefined;
  readonly #changes = new Subject<ExecutorStats>();
  /** Counts a settled chunk's outcomes (one function per executor, shared by its sinks). */
  readonly #counter = (n: number, errors: unknown[] | null) => this.#count(n, errors);

  /** Emits the current stats on subscribe and after every change. */
  readonly stats$: Observable<ExecutorStats> = new Observable<ExecutorStats>((subscriber) => {
    subscriber.next(this.stats());
    return this.#changes.subscribe(subscriber);
  });

  protected abstract runChunkNow(
    task: EncodedTask,
    items: unknown[],
    options: ChunkOptions,
    sink: ChunkSink,
  ): ChunkHandle;
  protected abstract liveStats(): LiveStats;
  protected abstract stop(wait: boolean, cancelFutures: boolean): Promise<void>;
  /** The executor-wide taskTimeout, if any. */
  /** @internal The executor-wide taskTimeout, if any. */
  abstract readonly defaultTimeout: number | undefined;

  /**
   * Schedules `fn(...args)` and returns its Future at once (the task is queued now).
   * @example
   * const f = executor.submit((a: number, b: number) => a + b, 1, 2);
   * console.log(await f); // 3
   */
  submit<A extends unknown[], R>(fn: Task<A, R>, ...args: A): Future<R> {
    const task = encodeTask(fn);
    this.#assertOpen();
    const future = new Future<R>();
    const handle = this.runChunk(
      task,
      [args],
      { timeoutMs: this.defaultTimeout, spread: true },
      new FutureSink(future),
    );
    if (!future.done()) future._setOwner(handle);
    return future;
  }

  /**
   * `fn` over every item, in parallel; ordered like the input unless `ordered: false`.
   * Cold: nothing runs before subscription. Also an AsyncIterable.
   * @example
   * for await (const sq of executor.map((x: number) => x * x, [1, 2, 3])) console.log(sq);
   */
  map<T, R>(fn: Task<[T], R>, items: Source<T>, options?: MapOptions): FutureStream<R> {
    const opts = checkMapOptions('map', options);
    const task = encodeTask(fn);
    this.checkTask(task);
    return mapStream<T, R>(this, task, items, false, opts);
  }

  /**
   * Like `map`, but each item is an argument list: Python's `starmap`.
   * @example
   * executor.starmap((a: number, b: number) => a + b, [[1, 2], [3, 4]]); // 3, 7
   */
  starmap<A extends unknown[], R>(fn: Task<A, R>, items: Source<A>, options?: MapOptions): FutureStream<R> {
    const opts = checkMapOptions('starmap', options);
    const task = encodeTask(fn);
    this.checkTask(task);
    return mapStream<A, R>(this, task, items, true, opts);
  }

  /**
   * @internal Throws a TypeError for a task this executor can never run; every task can run
   * on a local executor. Called by submit, map, starmap and parallelMap where the task is given.
   */
  checkTask(_task: EncodedTask): void {}

  /** @internal Runs a chunk; counts its outcomes. Used by submit and the map engine. */
  runChunk(task: EncodedTask, items: unknown[], options: ChunkOptions, sink: ChunkSink): ChunkHandle {
    this.checkTask(task);
    this.#assertOpen();
    const counting = new CountingSink(this.#counter, items.length, sink);
    const unsendable = findUnsendable(items, options.spread, false);
    const handle = unsendable
      ? runPartitioned(items, unsendable, counting, (good, s) => this.runChunkNow(task, good, options, s))
      : this.runChunkNow(task, items, options, counting);
    this.changed();
    return handle;
  }

  /** @internal Why no more work is accepted, if so. */
  closedError(): Error | undefined {
    return this.#broken ?? (this.#shutdown ? new ExecutorShutdownError() : undefined);
  }

  /**
   * Stops accepting work. `wait` (default true) resolves once running work is done and
   * workers have exited; `cancelFutures` cancels everything not yet started. Idempotent.
   * @example
   * await executor.shutdown({ cancelFutures: true });
   */
  shutdown(options?: ShutdownOptions): Promise<void> {
    const o = checkObject('shutdown', options);
    checkBoolean('shutdown', 'wait', o.wait);
    checkBoolean('shutdown', 'cancelFutures', o.cancelFutures);
    const wait = o.wait !== false;
    const first = !this.#shutdown;
    this.#shutdown ??= this.stop(wait, o.cancelFutures === true);
    if (!first && o.cancelFutures === true) void this.stop(wait, true);
    return wait ? this.#shutdown : Promise.resolve();
  }

  /**
   * `await using executor = new ThreadPoolExecutor()` shuts it down, waiting.
   * @example
   * await executor[Symbol.asyncDispose]();
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown({ wait: true });
  }

  /**
   * Current counts. `completed`, `failed`, `cancelled` are totals of tasks (items).
   * @example
   * const { queued, running, completed } = executor.stats();
   */
  stats(): ExecutorStats {
    return { ...this.liveStats(), completed: this.#completed, failed: this.#failed, cancelled: this.#cancelled };
  }

  /** Emits on stats$ when someone listens. */
  protected changed(): void {
    if (this.#changes.observed) this.#changes.next(this.stats());
  }

  /** Marks the executor broken: submit throws the error from now on. */
  protected markBroken(error: BrokenExecutorError): void {
    this.#broken ??= error;
  }

  #assertOpen(): void {
    if (this.#broken) throw this.#broken;
    if (this.#shutdown) throw new ExecutorShutdownError();
  }

  #count(n: number, errors: unknown[] | null): void {
    if (!errors) {
      this.#completed += n;
      return;
    }
    for (let i = 0; i < n; i++) {
      const e = errors[i];
      if (e === undefined) this.#completed++;
      else if (e instanceof CancelledError) this.#cancelled++;
      else this.#failed++;
    }
  }
}

/**
 * Settles a submitted task's future from its one-item chunk. A class rather than closures:
 * one small object per pending task, which matters when thousands are pending at once.
 */
class FutureSink<R> implements ChunkSink {
  constructor(private readonly future: Future<R>) {}

  progress(_item: number, value: unknown): void {
    this.future._progress(value);
  }

  complete(values: ArrayLike<unknown>, errors: unknown[] | null): void {
    const future = this.future;
    if (future.done()) return;
    const error = errors?.[0];
    if (error === undefined) future.setResult(values[0] as R);
    else if (error instanceof CancelledError) future._abandon();
    else future.setException(error);
  }
}

/** Counts a chunk's outcomes in its executor's stats, then passes everything on to `sink`. */
class CountingSink implements ChunkSink {
  constructor(
    private readonly count: (n: number, errors: unknown[] | null) => void,
    private readonly n: number,
    private readonly sink: ChunkSink,
  ) {}

  complete(values: ArrayLike<unknown>, errors: unknown[] | null, ms: number): void {
    this.count(this.n, errors);
    this.sink.complete(values, errors, ms);
  }

  progress(item: number, value: unknown): void {
    this.sink.progress?.(item, value);
  }

  values(values: ArrayLike<unknown>): void {
    this.sink.values?.(values);
  }
}

import { platform } from '#platform';
import { argsOf, type ChunkHandle, type ChunkOptions, type ChunkSink } from '../core/chunk.js';
import { isAsyncIterable, isObservableLike, isThenable, isTransferMarker } from '../protocol.cjs';
import { CancelledError, TaskError, TaskSerializationError, TaskTimeoutError } from '../core/errors.js';
import { ExecutorBase, type LiveStats } from '../core/executor.js';
import type { EncodedTask } from '../core/task.js';

type Fn = (...args: unknown[]) => unknown;

interface InlineChunk extends ChunkHandle {
  state: 'queued' | 'running' | 'settled';
  stop: boolean;
  /** A running stream's way to stop at once (an Observable it subscribed to). */
  onStop?: () => void;
}

/**
 * The Executor contract on the calling thread: one task at a time, each started on a
 * later macrotask. For tests, debugging (breakpoints work; closures are allowed), and
 * hosts without worker threads. Arguments and results are still structured-cloned, so
 * what works here works on a ThreadPoolExecutor.
 * @example
 * const ex = new InlineExecutor();
 * console.log(await ex.submit((x: number) => x * 2, 21)); // 42
 */
export class InlineExecutor extends ExecutorBase {
  /** Always 1: tasks run one at a time on the calling thread. */
  readonly parallelism = 1;
  /** @internal */
  readonly defaultTimeout = undefined;
  readonly #queue: { chunk: InlineChunk; run: () => Promise<void> }[] = [];
  #queuedItems = 0;
  #running = false;
  #idle: (() => void)[] = [];
  readonly #modules = new Map<string, Promise<Fn>>();

  protected runChunkNow(task: EncodedTask, args: unknown[], options: ChunkOptions, sink: ChunkSink): ChunkHandle {
    const values: unknown[] = new Array(args.length);
    const errors: unknown[] = new Array(args.length);
    let failed = false;
    const settle = (ms: number) => {
      chunk.state = 'settled';
      sink.complete(values, failed ? errors : null, ms);
      this.changed();
    };
    const chunk: InlineChunk = {
      state: 'queued',
      stop: false,
      withdraw: () => {
        if (chunk.state !== 'queued') return false;
        this.#queuedItems -= args.length;
        errors.fill(new CancelledError());
        failed = true;
        settle(0);
        return true;
      },
      started: () => chunk.state === 'running',
      cancel: () => {
        if (chunk.withdraw() || chunk.state !== 'running') return;
        chunk.stop = true; // a running item on this thread cannot be interrupted; the rest are skipped
        chunk.onStop?.();
      },
    };
    this.#queuedItems += args.length;
    this.#queue.push({
      chunk,
      run: async () => {
        if (chunk.state !== 'queued') return;
        chunk.state = 'running';
        this.#queuedItems -= args.length;
        this.changed();
        const t0 = performance.now();
        for (let i = 0; i < args.length; i++) {
          if (chunk.stop) {
            errors[i] = new CancelledError();
            failed = true;
            continue;
          }
          try {
            const itemArgs = argsOf(args[i], options.spread);
            values[i] = options.stream
              ? await this.#streamItem(task, itemArgs, sink, chunk)
              : await this.#runItem(task, itemArgs, options.timeoutMs);
          } catch (err) {
            errors[i] = err instanceof Error ? err : new TaskError(structuredCloneOr(err));
            failed = true;
          }
        }
        settle(performance.now() - t0);
      },
    });
    this.#kick();
    return chunk;
  }

  /** A streaming task: its values reach the sink one by one, cloned as a worker's would be. */
  async #streamItem(
    task: EncodedTask,
    args: readonly unknown[],
    sink: ChunkSink,
    chunk: InlineChunk,
  ): Promise<undefined> {
    const fn = task.local ?? (await this.#load(task));
    let result = fn(...structuredClone(args.map((a) => (isTransferMarker(a) ? a.value : a))));
    if (isThenable(result)) result = await result;
    const emit = (v: unknown) => sink.values?.([structuredClone(v)]);
    if (isObservableLike(result)) {
      const source = result;
      await new Promise<void>((resolve, reject) => {
        const sub = source.subscribe({ next: (v) => chunk.stop || emit(v), error: reject, complete: resolve });
        chunk.onStop = () => {
          sub.unsubscribe();
          resolve();
        };
      });
    } else if (isAsyncIterable(result)) {
      const it = result[Symbol.asyncIterator]();
      for (let r = await it.next(); !r.done; r = await it.next()) {
        emit(r.value);
        if (chunk.stop) {
          await it.return?.(); // its finally blocks run, as in a worker
          break;
        }
      }
    } else {
      emit(result); // any other result, an array included, is one value
    }
    return undefined;
  }

  async #runItem(task: EncodedTask, args: readonly unknown[], timeoutMs: number | undefined): Promise<unknown> {
    const fn = task.local ?? (await this.#load(task));
    let copy: unknown[];
    try {
      copy = structuredClone(args.map((a) => (isTransferMarker(a) ? a.value : a)));
    } catch (err) {
      throw new TaskSerializationError(`an argument cannot be cloned: ${(err as Error).message}`);
    }
    let result = fn(...copy);
    if (timeoutMs !== undefined && result instanceof Promise) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const limit = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new TaskTimeoutError(timeoutMs)), timeoutMs);
      });
      result = await Promise.race([result, limit]).finally(() => clearTimeout(timer));
    }
    result = await result;
    if (isTransferMarker(result)) result = result.value;
    try {
      return structuredClone(result);
    } catch (err) {
      throw new TaskSerializationError(`result cannot be cloned: ${(err as Error).message}; return plain data`);
    }
  }

  #load(task: EncodedTask): Promise<Fn> {
    const def = task.def;
    if (def.kind !== 'module') throw new TypeError('inline task without a function');
    const key = `${def.url}#${def.exportName}`;
    let p = this.#modules.get(key);
    if (!p) {
      p = import(def.url).then((ns: Record<string, unknown>) => {
        const fn = ns[def.exportName];
        if (typeof fn !== 'function')
          throw new TypeError(`task module ${def.url} has no function export named '${def.exportName}'`);
        return fn as Fn;
      });
      this.#modules.set(key, p);
    }
    return p;
  }

  #kick(): void {
    if (this.#running) return;
    // Withdrawn (cancelled) jobs need no turn: one would show as running while it is skipped.
    while (this.#queue.length > 0 && this.#queue[0]!.chunk.state !== 'queued') this.#queue.shift();
    if (this.#queue.length === 0) {
      for (const w of this.#idle.splice(0)) w();
      return;
    }
    this.#running = true;
    platform.macrotask(async () => {
      await this.#queue.shift()!.run();
      this.#running = false;
      this.changed(); // stats$ must end on the idle state that stats() reports
      this.#kick();
    });
  }

  protected liveStats(): LiveStats {
    return {
      workers: 1,
      idleWorkers: this.#running ? 0 : 1,
      queued: this.#queuedItems,
      running: this.#running ? 1 : 0,
    };
  }

  protected async stop(_wait: boolean, cancelFutures: boolean): Promise<void> {
    if (cancelFutures) for (const { chunk } of this.#queue) chunk.withdraw();
    if (this.#queue.length > 0 || this.#running) await new Promise<void>((r) => this.#idle.push(r));
  }
}

function structuredCloneOr(value: unknown): unknown {
  try {
    return structuredClone(value);
  } catch {
    return String(value);
  }
}

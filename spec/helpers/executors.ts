/**
 * Runs the same contract tests against every executor of the library, so that
 * `ThreadPoolExecutor`, `ProcessPoolExecutor` and `InlineExecutor` are held to one contract.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  InlineExecutor,
  ProcessPoolExecutor,
  task,
  ThreadPoolExecutor,
  type Executor,
  type PoolOptions,
  type ProcessPoolExecutorOptions,
  type ThreadPoolExecutorOptions,
} from '../../lib/index.js';
import type * as Counting from '../fixtures/counting.js';
import { readCounter, type CounterHandle } from '../fixtures/counting.js';

export interface ExecutorKind {
  /** Name shown in the test titles. */
  readonly name: string;
  /** How many tasks may run at once (maxWorkers for a pool, 1 inline). */
  readonly parallelism: number;
  /** True for the executor that runs tasks on the calling thread. */
  readonly inline: boolean;
  /** True where tasks run in another process (no shared memory with the host). */
  readonly process: boolean;
  /** `n` counters that this executor's tasks can bump (see fixtures/counting.ts). */
  counters(n?: number): { buffer: CounterHandle; read(index: number): number };
}

const KINDS: ReadonlyArray<ExecutorKind & { readonly make: () => Executor }> = [
  {
    name: 'ThreadPoolExecutor({ maxWorkers: 2 })',
    parallelism: 2,
    inline: false,
    process: false,
    counters,
    make: () => new ThreadPoolExecutor({ maxWorkers: 2 }),
  },
  {
    name: 'ProcessPoolExecutor({ maxWorkers: 2 })',
    parallelism: 2,
    inline: false,
    process: true,
    counters: fileCounters,
    make: () => new ProcessPoolExecutor({ maxWorkers: 2 }),
  },
  {
    name: 'InlineExecutor',
    parallelism: 1,
    inline: true,
    process: false,
    counters,
    make: () => new InlineExecutor(),
  },
];

/**
 * `forEachExecutor('submit', (makeExecutor, kind) => { it(...) })` declares one
 * `describe` per executor kind. Every executor made through `makeExecutor` is shut down
 * (waiting, cancelling what is still queued) after each test, so tests stay independent.
 */
export function forEachExecutor(name: string, body: (makeExecutor: () => Executor, kind: ExecutorKind) => void): void {
  for (const kind of KINDS) {
    describe(`${name} — ${kind.name}`, function () {
      const made: Executor[] = [];
      afterEach(async function () {
        await Promise.all(made.splice(0).map((ex) => ex.shutdown({ wait: true, cancelFutures: true })));
      });
      body(() => {
        const ex = kind.make();
        made.push(ex);
        return ex;
      }, kind);
    });
  }
}

/**
 * Makes executors with `make` for one test and shuts them all down after it. Call it at
 * the top of a `describe` block.
 */
function useMade<O, E extends Executor>(make: (options?: O) => E): (options?: O) => E {
  const made: E[] = [];
  afterEach(async function () {
    await Promise.all(
      made.splice(0).map((ex) => ex.shutdown({ wait: true, cancelFutures: true }).catch(() => undefined)),
    );
  });
  return (options) => {
    const ex = make(options);
    made.push(ex);
    return ex;
  };
}

/** ThreadPoolExecutors for one test, shut down after it. Call it at the top of a `describe` block. */
export function usePools(): (options?: ThreadPoolExecutorOptions) => ThreadPoolExecutor {
  return useMade((options?: ThreadPoolExecutorOptions) => new ThreadPoolExecutor(options));
}

/** ProcessPoolExecutors for one test, shut down after it. Call it at the top of a `describe` block. */
export function useProcessPools(): (options?: ProcessPoolExecutorOptions) => ProcessPoolExecutor {
  return useMade((options?: ProcessPoolExecutorOptions) => new ProcessPoolExecutor(options));
}

/** A pool of threads or of processes, as the specs that hold both to one behaviour see it. */
export interface PoolKind {
  readonly name: string;
  readonly process: boolean;
  /** Counters its tasks can bump (see fixtures/counting.ts). */
  counters(n?: number): { buffer: CounterHandle; read(index: number): number };
}

/**
 * `forEachPool('stealing', (makePool, kind) => { it(...) })` declares one `describe` per pool
 * kind (threads, processes); pools made through `makePool` are shut down after each test.
 */
export function forEachPool(
  name: string,
  body: (makePool: (options?: PoolOptions) => ThreadPoolExecutor | ProcessPoolExecutor, kind: PoolKind) => void,
): void {
  const kinds: [PoolKind, (options?: PoolOptions) => ThreadPoolExecutor | ProcessPoolExecutor][] = [
    [{ name: 'ThreadPoolExecutor', process: false, counters }, (o) => new ThreadPoolExecutor(o)],
    [{ name: 'ProcessPoolExecutor', process: true, counters: fileCounters }, (o) => new ProcessPoolExecutor(o)],
  ];
  for (const [kind, make] of kinds) {
    describe(`${name} — ${kind.name}`, function () {
      body(useMade(make), kind);
    });
  }
}

/** An inline task that waits `ms` milliseconds and returns `ms`. */
/** An inline task that busy-loops for `ms` (only terminating its worker stops it), then returns `ms`. */
export const spinFor = (ms: number): number => {
  const end = Date.now() + ms;
  while (Date.now() < end);
  return ms;
};

/** An inline task that waits `ms` milliseconds and returns `ms`. */
export const sleepTask = (ms: number): Promise<number> => new Promise((r) => setTimeout(() => r(ms), ms));

/** An inline task that waits `ms` milliseconds and returns `value`. */
export const sleepThen = <T>(ms: number, value: T): Promise<T> => new Promise((r) => setTimeout(() => r(value), ms));

const counting = new URL('../fixtures/counting.js', import.meta.url);
/** A task that adds 1 to counter `index` (see fixtures/counting.ts) and returns the count. */
export const countRun = task<typeof Counting.countRun>(counting, 'countRun');
/** Sleeps `ms` ms, then adds 1 to counter `index`: shows whether the task ran to its end. */
export const sleepThenCount = task<typeof Counting.sleepThenCount>(counting, 'sleepThenCount');
/** Fails item 5; items after it are slow and count their ends in counter 0. */
export const failAtFive = task<typeof Counting.failAtFive>(counting, 'failAtFive');
/** Sleeps `item.ms`, then counts in counter 0. */
export const sleepThenBump = task<typeof Counting.sleepThenBump>(counting, 'sleepThenBump');
/** Counts its start in counter 1, sleeps `item.ms`, then counts its end in counter 0. */
export const countStartAndEnd = task<typeof Counting.countStartAndEnd>(counting, 'countStartAndEnd');

/** A SharedArrayBuffer of `n` Int32 counters, visible to the host and every worker thread. */
export function counters(n = 4): { buffer: SharedArrayBuffer; read(index: number): number } {
  const buffer = new SharedArrayBuffer(4 * n);
  const view = new Int32Array(buffer);
  return { buffer, read: (index) => Atomics.load(view, index) };
}

let counterRoot: string | undefined;
/** Counters as files in a fresh directory: child processes share no memory with the host. */
export function fileCounters(): { buffer: string; read(index: number): number } {
  if (!counterRoot) {
    const root = (counterRoot = mkdtempSync(join(tmpdir(), 'rxjs-futures-counters-')));
    process.on('exit', () => rmSync(root, { recursive: true, force: true }));
  }
  const buffer = mkdtempSync(join(counterRoot, 'c-'));
  return { buffer, read: (index) => readCounter(buffer, index) };
}

/** Resolves after `ms` ms (on the host). */
export const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Polls `predicate` until it is true; rejects after `timeoutMs` (generous by default:
 * timing must never decide a test, only bound how long a broken library hangs it).
 */
export async function waitUntil(
  predicate: () => boolean,
  what: string | (() => string) = 'condition',
  timeoutMs = 10_000,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > end) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'function' ? what() : what}`);
    }
    await delay(5);
  }
}

/** Resolves with the rejection reason of `p`; fails the test if `p` resolves. */
export async function rejectionOf(p: PromiseLike<unknown>): Promise<unknown> {
  let value: unknown;
  try {
    value = await p;
  } catch (err) {
    return err;
  }
  throw new Error(`expected a rejection, got a value: ${String(value)}`);
}

/**
 * Runs the same contract tests against every executor of the library, so that
 * `ThreadPoolExecutor` and `InlineExecutor` are held to one contract.
 */
import { InlineExecutor, ThreadPoolExecutor, type Executor } from '../../lib/index.js';

export interface ExecutorKind {
  /** Name shown in the test titles. */
  readonly name: string;
  /** How many tasks may run at once (maxWorkers for a pool, 1 inline). */
  readonly parallelism: number;
  /** True for the executor that runs tasks on the calling thread. */
  readonly inline: boolean;
}

const KINDS: ReadonlyArray<ExecutorKind & { readonly make: () => Executor }> = [
  {
    name: 'ThreadPoolExecutor({ maxWorkers: 2 })',
    parallelism: 2,
    inline: false,
    make: () => new ThreadPoolExecutor({ maxWorkers: 2 }),
  },
  {
    name: 'InlineExecutor',
    parallelism: 1,
    inline: true,
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
 * Makes ThreadPoolExecutors for one test and shuts them all down after it. Call it
 * at the top of a `describe` block.
 */
export function usePools(): (options?: ConstructorParameters<typeof ThreadPoolExecutor>[0]) => ThreadPoolExecutor {
  const made: ThreadPoolExecutor[] = [];
  afterEach(async function () {
    await Promise.all(
      made.splice(0).map((ex) => ex.shutdown({ wait: true, cancelFutures: true }).catch(() => undefined)),
    );
  });
  return (options) => {
    const ex = new ThreadPoolExecutor(options);
    made.push(ex);
    return ex;
  };
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

/** An inline task that adds 1 to the Int32 counter at `index` of a SharedArrayBuffer. */
export const countRun = (counters: SharedArrayBuffer, index: number): number =>
  Atomics.add(new Int32Array(counters), index, 1) + 1;

/** Sleeps `ms` ms, then adds 1 to the counter at `index`: shows whether the task ran to its end. */
export const sleepThenCount = (ms: number, counters: SharedArrayBuffer, index: number): Promise<number> =>
  new Promise((r) => setTimeout(() => r(Atomics.add(new Int32Array(counters), index, 1) + 1), ms));

/** A SharedArrayBuffer of `n` Int32 counters, visible to the host and every worker. */
export function counters(n = 4): { buffer: SharedArrayBuffer; read(index: number): number } {
  const buffer = new SharedArrayBuffer(4 * n);
  const view = new Int32Array(buffer);
  return { buffer, read: (index) => Atomics.load(view, index) };
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

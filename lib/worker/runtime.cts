/**
 * The code that runs inside every worker, whatever the platform. Its one entry point is
 * `connect` (exposed through threads.js by the thread entries node.cts and browser.ts, and
 * called on the first IPC message by the process entry process.cts); after it, chunks arrive
 * on a channel, run one item at a time, and their outcomes go back in one message per
 * chunk. Where the host shares no memory, the ring below is a local copy and each chunk
 * is claimed by asking the host.
 */
import {
  DONE,
  isThenable,
  QUEUED,
  RUNNING,
  SHARED_BUSY,
  SHARED_LENGTH,
  SHARED_PROGRESS_START,
  SHARED_RING_START,
  STOP,
  type AbortMessage,
  type HostMessage,
  type InitSpec,
  type RunMessage,
  type WireError,
  type WorkerApi,
} from '../protocol.cjs';
import { encodeError } from './encode-error.cjs';
import { flush, flushSoon, queueDone, queueMessage, setChannel, type Channel } from './outbox.cjs';
import { grantCredit, runStream, stopStream, UnsendableValue } from './stream.cjs';
import { abortChunk, enterChunk, installHooks, leaveChunk } from './task-context.cjs';
import { defineTask, explainError, getTask, type LoadedTask, type TaskEntry } from './task-loader.cjs';

/** What a platform's worker entry provides. */
export interface WorkerEnv {
  /** Starts delivering the host's batches from the port `connect` was given. */
  listen(port: unknown, onBatch: (batch: HostMessage[]) => void): Channel;
  /**
   * Reports a crash and then ends the worker: `die(err)` for an uncaught error (after
   * it the worker must exit), `exiting(code)` when a task calls the platform's exit
   * (`exiting(undefined, call)` for a call that ends the worker without an exit code).
   */
  onCrash(die: (err: unknown) => void, exiting: (code: number | undefined, call?: string) => void): void;
  /** Ends the worker after a crash was reported. */
  exit(code: number): never;
  /** Runs `fn` on a later macrotask. */
  defer(fn: () => void): void;
}

let env: WorkerEnv;
let port: Channel;
let shared: Int32Array;
/** No shared memory: chunks are claimed by message; pending claims by ring slot. */
let viaMessages = false;
const claims = new Map<number, (ok: boolean) => void>();
const queue: RunMessage[] = [];
let busy = false;

/** The worker's API (its `connect`), for the platform's entry to expose. Called once. */
export function serve(platformEnv: WorkerEnv): WorkerApi {
  env = platformEnv;
  return {
    async connect(p, buffer, init) {
      viaMessages = buffer === null;
      shared = new Int32Array(buffer ?? new ArrayBuffer(SHARED_LENGTH * 4));
      port = env.listen(p, onBatch);
      setChannel(port);
      env.onCrash(die, exiting);
      installHooks((m) => {
        queueMessage(m);
        flushSoon();
      });
      if (init) await runInitializer(init);
    },
  };
}

function onBatch(batch: HostMessage[]): void {
  for (const m of batch) {
    if ('c' in m) {
      if (m.c === 'stop') shared[SHARED_RING_START + m.ring] = STOP;
      else if (m.c === 'abort') stopRunning(m);
      else if (m.c === 'recall') giveBack(m.ring);
      else if (m.c === 'credit') {
        if (current?.m.ring === m.ring) grantCredit(m.total);
      } else claims.get(m.ring)?.(m.ok);
      continue;
    }
    if (m.def) defineTask(m.task, m.def);
    if (viaMessages) shared[SHARED_RING_START + m.ring] = m.claimed ? RUNNING : QUEUED;
    queue.push(m);
  }
  if (!busy) void pump();
}

/** The host stops the running chunk: its signal aborts, its other items are skipped, and we say we heard. */
function stopRunning(m: AbortMessage): void {
  const run = current;
  if (!run || run.m.ring !== m.ring) {
    // Its claim was answered in this very batch: it starts next, sees STOP, and skips every item.
    if (starting?.ring !== m.ring) return skipClaimed(m.ring); // else: not started, or finished
    shared[SHARED_RING_START + m.ring] = STOP;
    queueMessage({ k: 'stopping', id: starting.id });
    return flush();
  }
  shared[SHARED_RING_START + m.ring] = STOP;
  abortChunk(run.m.id, m.name, m.message);
  if (run.m.stream) stopStream();
  queueMessage({ k: 'stopping', id: run.m.id });
  flush();
}

/**
 * A chunk handed over already claimed, stopped before it started: it goes home at once with
 * every item cancelled, so this worker, busy with another chunk, is not terminated for it.
 */
function skipClaimed(ring: number): void {
  const i = queue.findIndex((q) => q.ring === ring && q.claimed);
  if (i < 0) return; // it finished: its outcome is on the way
  const m = queue.splice(i, 1)[0]!;
  const errors = Array.from({ length: m.items.length }, (): WireError => ({ kind: 'cancelled' }));
  queueMessage({ k: 'done', id: m.id, ring, values: [], errors, ms: 0 });
  flush();
}

/** Another worker is idle: a chunk handed over claimed that has not started goes back to the host. */
function giveBack(ring: number): void {
  const i = queue.findIndex((q) => q.ring === ring && q.claimed);
  if (i < 0) return; // it started (or finished): it runs here, as claimed
  const m = queue.splice(i, 1)[0]!;
  queueMessage({ k: 'recalled', id: m.id, ring });
  flush();
}

/** QUEUED → RUNNING, unless the host withdrew the chunk first; a chunk handed over claimed needs no asking. */
function claim({ ring, claimed }: RunMessage): boolean | Promise<boolean> {
  if (claimed) return true;
  const cell = SHARED_RING_START + ring;
  if (!viaMessages) return Atomics.compareExchange(shared, cell, QUEUED, RUNNING) === QUEUED;
  queueMessage({ k: 'claim', ring });
  flush();
  return new Promise<boolean>((resolve) =>
    claims.set(ring, (ok) => {
      claims.delete(ring);
      shared[cell] = ok ? RUNNING : WITHDRAWN_LOCALLY;
      resolve(ok);
    }),
  );
}

/** What a withdrawn chunk's cell holds in the local copy (any state but QUEUED/RUNNING/STOP/DONE). */
const WITHDRAWN_LOCALLY = -1;

async function runInitializer(init: InitSpec): Promise<void> {
  const entry = defineTask(-1, init.def);
  try {
    const fn = await entry.fn;
    await fn(...init.args);
  } catch (err) {
    throw explainError(err, entry);
  }
}

/** The chunk being run: if the worker dies, what finished of it is still sent home. */
interface Running {
  readonly m: RunMessage;
  readonly entry: TaskEntry | undefined;
  /** One per finished item, in order (packed, not holey: V8 serialises it far faster). */
  readonly values: unknown[];
  errors: (WireError | undefined)[] | null;
}

/** The chunk whose claim is being answered (taken off the queue, not yet running). */
let starting: RunMessage | undefined;

async function pump(): Promise<void> {
  busy = true;
  while (queue.length > 0) {
    const m = (starting = queue.shift()!);
    const claimed = claim(m);
    const ok = claimed === true || (claimed !== false && (await claimed));
    starting = undefined;
    if (!ok) {
      // Withdrawn by the host before we got to it: acknowledge so the ring slot is freed.
      queueMessage({ k: 'done', id: m.id, ring: m.ring, values: [], errors: null, ms: 0 });
      continue;
    }
    // This ring slot may hold the index of an earlier chunk: a crash report must not read it.
    shared[SHARED_PROGRESS_START + m.ring] = 0;
    // Nothing finished may wait behind this chunk: it could take any time.
    flush();
    const t0 = performance.now();
    const entry = getTask(m.task);
    const run: Running = { m, entry, values: [], errors: null };
    current = run;
    enterChunk(m.id, () => run.values.length);
    let fn: LoadedTask | undefined;
    try {
      if (!entry) throw new Error(`internal: task ${m.task} was never defined in this worker`);
      fn = typeof entry.fn === 'function' ? entry.fn : await entry.fn;
    } catch (err) {
      run.errors = new Array(m.items.length).fill(encodeError(err));
    }
    if (fn && m.stream) {
      await runStreamItem(fn, run);
    } else if (fn) {
      // Synchronous results stay in runItems; only a returned promise brings us back here.
      for (let pending = runItems(fn, run, 0); pending; pending = runItems(fn, run, run.values.length)) {
        flush(); // waiting anyway: let finished results go home meanwhile
        try {
          run.values.push(await pending);
        } catch (err) {
          failItem(run, err);
        }
        shared[SHARED_BUSY] = 0;
      }
    }
    current = undefined;
    leaveChunk();
    Atomics.store(shared, SHARED_RING_START + m.ring, DONE);
    const t1 = performance.now();
    queueDone({ k: 'done', id: m.id, ring: m.ring, values: run.values, errors: run.errors, ms: t1 - t0 });
  }
  flush();
  busy = false;
}

/** A streaming task (its chunk has one item): its values go home as it yields them. */
async function runStreamItem(fn: LoadedTask, run: Running): Promise<void> {
  const { items, spread, id, timed, ring } = run.m;
  if (Atomics.load(shared, SHARED_RING_START + ring) === STOP) {
    // Stopped before it started (handed over claimed, or stopped as its claim was answered).
    run.values.push(undefined);
    run.errors = [{ kind: 'cancelled' }];
    return;
  }
  shared[SHARED_BUSY] = 1;
  if (timed) {
    // taskTimeout counts from here, waiting for credit included.
    queueMessage({ k: 'start', id, item: 0 });
    flush();
  }
  try {
    let result = spread ? fn(...(items[0] as unknown[])) : fn(items[0]);
    if (isThenable(result)) result = await result; // a task that returns a promise of a stream
    await runStream(id, result, {
      send: (msg, transfer) => {
        queueMessage(msg, transfer);
        flush();
      },
      defer: env.defer,
    });
    run.values.push(undefined);
  } catch (err) {
    if (err instanceof UnsendableValue) {
      run.values.push(undefined);
      run.errors = [{ kind: 'serialization', message: err.message }];
    } else {
      failItem(run, err);
    }
  }
  shared[SHARED_BUSY] = 0;
}

/**
 * Runs the chunk's items from `from` on, and returns the first promise an item returns
 * (that item is still marked busy), or undefined when the chunk is over. Kept small and
 * synchronous on purpose: as part of the async pump, this loop made V8's optimising
 * compile of pump take ~90 ms in every new worker (--trace-opt), CPU that a 2-core
 * machine takes from the tasks.
 */
function runItems(fn: LoadedTask, run: Running, from: number): PromiseLike<unknown> | undefined {
  const { items, spread, timed, ring, id } = run.m;
  const state = SHARED_RING_START + ring;
  const progress = SHARED_PROGRESS_START + ring;
  const n = items.length;
  const sh = shared;
  // Busy from the first item to the last: between two items of a chunk there is no idle.
  sh[SHARED_BUSY] = 1;
  for (let i = from; i < n; i++) {
    if (Atomics.load(sh, state) === STOP) {
      const errors = (run.errors ??= new Array(n));
      for (let j = i; j < n; j++) errors[j] = { kind: 'cancelled' };
      break;
    }
    if (timed) {
      queueMessage({ k: 'start', id, item: i });
      flush();
    }
    sh[progress] = i;
    let r: unknown;
    try {
      r = spread ? fn(...(items[i] as unknown[])) : fn(items[i]);
      // Inside the try: reading `then` may throw too (a revoked Proxy, a throwing getter).
      if (r !== null && typeof r === 'object' && typeof (r as PromiseLike<unknown>).then === 'function') {
        return r as PromiseLike<unknown>; // still busy while it is awaited
      }
    } catch (err) {
      failItem(run, err);
      continue;
    }
    run.values.push(r);
  }
  sh[SHARED_BUSY] = 0;
  return undefined;
}

/** The next item of `run` failed. */
function failItem(run: Running, err: unknown): void {
  const i = run.values.length;
  run.values.push(undefined);
  (run.errors ??= new Array(run.m.items.length))[i] = encodeError(explainError(err, run.entry!));
}

let current: Running | undefined;

function sendPartial(): void {
  if (!current) return;
  const { m, values, errors } = current;
  current = undefined;
  queueMessage({ k: 'partial', id: m.id, values: values.slice(), errors: errors?.slice(0, values.length) ?? null });
}

// threads.js swallows uncaught errors in workers and keeps them alive with the task
// unfinished. A task that crashes the worker must end it, so the host can fail that
// task with WorkerCrashedError and start a fresh worker.
let dying = false;
function die(err: unknown): never {
  if (dying) return env.exit(1); // the exit itself may be reported as an error: the first reason stands
  dying = true;
  try {
    sendPartial();
    flush();
    port.post([{ k: 'crash', error: encodeError(err) }], undefined);
  } finally {
    env.exit(1);
  }
}

// A task that exits must not take finished neighbours' results with it, and the host
// should know it was an exit call and not a kill from outside.
function exiting(code: number | undefined, call?: string): void {
  sendPartial();
  queueMessage({ k: 'exit', code, call });
  flush();
}

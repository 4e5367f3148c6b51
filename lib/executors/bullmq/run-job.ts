/**
 * Worker side: one job's items on the local thread pool, with retries of the items that threw,
 * stoppable from outside (a cancel from the executor). Returns the outcome to store in Redis.
 */
import type { ChunkHandle } from '../../core/chunk.js';
import { CancelledError, TaskSerializationError } from '../../core/errors.js';
import type { ExecutorBase } from '../../core/executor.js';
import type { EncodedTask } from '../../core/task.js';
import { encodeDone, type JobData, type JobOutcome } from './codec.js';
import type { StopMode } from './cancel-channel.js';

/** A job running here, as a cancel message finds it. */
export class RunningJob {
  #handle: ChunkHandle | undefined;
  #stopped: StopMode | undefined;

  /** The executor asked to stop this job ('stop': now; 'soft': after the current item). */
  stop(mode: StopMode): void {
    if (this.#stopped === 'stop') return;
    this.#stopped = mode;
    this.#handle?.cancel(mode === 'stop');
  }

  get stopped(): StopMode | undefined {
    return this.#stopped;
  }

  /**
   * Runs `items` as one local chunk; a stop that came before is applied at once. `progress`
   * gets each reportProgress() with the index of its item in `items`.
   */
  run(
    pool: ExecutorBase,
    task: EncodedTask,
    items: unknown[],
    data: JobData,
    progress: (item: number, value: unknown) => void,
  ): Promise<{ values: ArrayLike<unknown>; errors: unknown[] | null; ms: number }> {
    return new Promise((resolve) => {
      this.#handle = pool.runChunk(
        task,
        items,
        { spread: data.s === 1, timeoutMs: data.to, graceMs: data.g },
        { complete: (values, errors, ms) => resolve({ values, errors, ms }), progress },
      );
      if (this.#stopped) this.#handle.cancel(this.#stopped === 'stop');
    });
  }
}

/** How long a stop message for a job not running here is remembered (the job may be starting). */
const EARLY_STOP_MS = 60_000;

/**
 * The jobs running in this worker process, by id, as cancel messages find them. Every worker
 * hears every message; one for a job that is not running here is kept for a while, because
 * the job may be between BullMQ's fetch and our processor: it then stops before it starts.
 */
export class RunningJobs {
  readonly #running = new Map<string, RunningJob>();
  readonly #early = new Map<string, { mode: StopMode; at: number }>();

  /** Job `id` starts here; it is stopped already if a message for it came first. */
  register(id: string): RunningJob {
    const run = new RunningJob();
    const early = this.#early.get(id);
    if (early) {
      this.#early.delete(id);
      run.stop(early.mode);
    }
    this.#running.set(id, run);
    return run;
  }

  /** The ids of the jobs running here. */
  ids(): string[] {
    return [...this.#running.keys()];
  }

  unregister(id: string): void {
    this.#running.delete(id);
  }

  stop(id: string, mode: StopMode): void {
    const run = this.#running.get(id);
    if (run) return run.stop(mode);
    const now = Date.now();
    this.#early.set(id, { mode, at: now });
    if (this.#early.size > 1000) {
      for (const [key, { at }] of this.#early) if (now - at > EARLY_STOP_MS) this.#early.delete(key);
    }
  }
}

/**
 * Runs the job's items; those that threw run again, up to `data.r` times, unless stopped.
 * `progress` gets each reportProgress() with the index of its item in the job.
 */
export async function runJob(
  pool: ExecutorBase,
  task: EncodedTask,
  data: JobData,
  items: unknown[],
  job: RunningJob,
  progress: (item: number, value: unknown) => void,
): Promise<JobOutcome> {
  // A value that cannot go through Redis fails its item (as reportProgress() would throw on
  // threads), never the worker process: the sink is called from the thread pool's message handler.
  const unsent = new Map<number, Error>();
  const report = (item: number, value: unknown) => {
    try {
      progress(item, value);
    } catch (err) {
      if (!unsent.has(item)) unsent.set(item, unsendableProgress(value, err as Error));
    }
  };
  let { values, errors, ms } = await job.run(pool, task, items, data, report);
  for (let attempt = 0; attempt < (data.r ?? 0) && errors && !job.stopped; attempt++) {
    const again = errors.flatMap((e, i) => (e === undefined || e instanceof CancelledError ? [] : [i]));
    if (again.length === 0) break;
    const retry = await job.run(
      pool,
      task,
      again.map((i) => items[i]),
      data,
      (k, value) => report(again[k]!, value),
    );
    const merged = Array.from(values);
    const mergedErrors = errors.slice();
    again.forEach((i, k) => {
      merged[i] = retry.values[k];
      mergedErrors[i] = retry.errors?.[k];
    });
    values = merged;
    errors = mergedErrors.some((e) => e !== undefined) ? mergedErrors : null;
    ms += retry.ms;
  }
  if (unsent.size > 0) {
    const merged = Array.from(values);
    const mergedErrors = errors?.slice() ?? new Array<unknown>(merged.length);
    for (const [i, err] of unsent) {
      if (mergedErrors[i] !== undefined) continue; // it failed anyway: that error says more
      mergedErrors[i] = err;
      merged[i] = undefined;
    }
    values = merged;
    errors = mergedErrors;
  }
  return encodeDone(values, errors, ms);
}

function unsendableProgress(value: unknown, err: Error): TaskSerializationError {
  const what = typeof value === 'object' && value !== null ? (value.constructor?.name ?? 'object') : typeof value;
  return new TaskSerializationError(
    `reportProgress() was given a value that cannot be sent through Redis: ${what} could not be serialized ` +
      `(${err.message}); the value was dropped. Report plain data (numbers, strings, arrays, plain objects, Date, Map, Set)`,
  );
}

/**
 * The shared machinery of the streaming operators (fromTaskStream, parallelMergeMap,
 * parallelConcatMap), as map-engine.ts is for the mapping ones: one streaming task on an
 * executor, whose values arrive in batches and which may send only so many values beyond
 * what its consumer has delivered (credit), so a slow consumer holds the generator back.
 */
import { STREAM_CREDIT } from '../protocol.cjs';
import type { ChunkHandle } from './chunk.js';
import type { MapRunner } from './map-engine.js';
import type { EncodedTask } from './task.js';

export interface StreamConsumer<R> {
  /** A batch of values, in order (a typed array for a batch of numbers). Call `delivered(n)` once they are passed on. */
  next(values: ArrayLike<R>): void;
  error(err: unknown): void;
  complete(): void;
}

export interface TaskStream {
  /** `n` more values were passed downstream: the task may run that much further ahead. */
  delivered(n: number): void;
  /** Stops the task (its generator's return() runs, its signal aborts); nothing is emitted after. */
  cancel(): void;
}

/**
 * Starts `task(...args)` as a streaming task.
 * @internal Used by the streaming operators.
 */
export function startTaskStream<R>(
  runner: MapRunner,
  task: EncodedTask,
  args: unknown[],
  consumer: StreamConsumer<R>,
): TaskStream {
  let done = false;
  let delivered = 0;
  let granted = STREAM_CREDIT;
  const handle: ChunkHandle = runner.runChunk(
    task,
    [args],
    { spread: true, stream: true, timeoutMs: runner.defaultTimeout },
    {
      values: (values) => done || consumer.next(values as ArrayLike<R>),
      complete: (_values, errors) => {
        if (done) return;
        done = true;
        const error = errors?.[0];
        if (error !== undefined) consumer.error(error);
        else consumer.complete();
      },
    },
  );
  return {
    delivered(n) {
      delivered += n;
      // Grant in halves: one credit message per STREAM_CREDIT / 2 values, not one per batch.
      if (!done && delivered + STREAM_CREDIT / 2 >= granted) {
        granted = delivered + STREAM_CREDIT;
        handle.grant?.(granted);
      }
    },
    cancel() {
      if (done) return;
      done = true;
      handle.cancel(true);
    },
  };
}

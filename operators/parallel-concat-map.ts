import { Observable, type OperatorFunction } from 'rxjs';
import { getDefaultExecutor } from '../lib/executors/default-executor.js';
import type { Executor } from '../lib/core/executor.js';
import { checkInteger, checkObject } from '../lib/core/options.js';
import { asRunner } from '../lib/core/runner.js';
import { encodeTask, type Task } from '../lib/core/task.js';
import { startTaskStream, type TaskStream } from '../lib/core/task-stream.js';

/** Options of {@link parallelConcatMap}. */
export interface ParallelConcatMapOptions {
  /** Default: getDefaultExecutor(). */
  executor?: Executor;
  /**
   * Inner streams outstanding at once: running, or finished and buffered until their turn.
   * 'auto' (default): 2 × parallelism running, widened up to 32 × by finished ones waiting.
   */
  window?: number | 'auto';
}

interface Inner<R> {
  /** Values that arrived before it was the head: emitted, and only then delivered, on its turn. */
  buffer: R[];
  done: boolean;
  failure?: { error: unknown };
  stream: TaskStream;
}

/**
 * RxJS `concatMap` whose inner streams are streaming tasks run in parallel (Reactor's
 * `flatMapSequential`): up to `window` of them are outstanding, and the output is every
 * value of item 0, then of item 1, … exactly as `concatMap` gives, whatever the timing.
 * A buffered inner stream is held back by its credit, so it cannot run far ahead.
 * @example
 * from(pages).pipe(parallelConcatMap(parsePage)).subscribe(console.log); // in page order
 */
export function parallelConcatMap<T, R>(
  fn: Task<[T], AsyncIterable<R> | R>,
  options?: ParallelConcatMapOptions,
): OperatorFunction<T, R> {
  const o = checkObject('parallelConcatMap', options) as ParallelConcatMapOptions;
  if (o.window !== 'auto') checkInteger('parallelConcatMap', "window (or 'auto')", o.window);
  if (o.executor !== undefined) asRunner(o.executor);
  const task = encodeTask(fn);
  return (source) =>
    new Observable<R>((subscriber) => {
      const runner = asRunner(o.executor ?? getDefaultExecutor());
      const base = 2 * runner.parallelism;
      const limit = (): number =>
        typeof o.window === 'number'
          ? o.window
          : Math.min(16 * base, base + inners.reduce((n, inner) => n + (inner.done ? 1 : 0), 0));
      const inners: Inner<R>[] = [];
      const pending: T[] = [];
      let sourceDone = false;

      const emit = (inner: Inner<R>, values: ArrayLike<R>): void => {
        for (let i = 0; i < values.length; i++) {
          if (subscriber.closed) return;
          subscriber.next(values[i]!);
        }
        inner.stream.delivered(values.length);
      };
      const start = (value: T): void => {
        const inner = { buffer: [], done: false } as unknown as Inner<R>;
        inners.push(inner);
        try {
          inner.stream = startTaskStream<R>(runner, task, [value], {
            next: (values) => (inner === inners[0] ? emit(inner, values) : inner.buffer.push(...Array.from(values))),
            error: (error) => {
              inner.done = true;
              inner.failure = { error };
              if (inner === inners[0]) advance();
              else fill(); // 'auto' widens by the finished ones waiting
            },
            complete: () => {
              inner.done = true;
              if (inner === inners[0]) advance();
              else fill(); // 'auto' widens by the finished ones waiting
            },
          });
        } catch (err) {
          inners.pop(); // it never started: there is nothing to cancel
          throw err;
        }
      };
      /** The head is done (or became the head): pass on what the next heads already have. */
      const advance = (): void => {
        while (inners.length > 0 && !subscriber.closed) {
          const head = inners[0]!;
          if (head.buffer.length > 0) {
            const values = head.buffer;
            head.buffer = [];
            emit(head, values);
            continue;
          }
          if (!head.done) break;
          if (head.failure) return subscriber.error(head.failure.error);
          inners.shift();
        }
        fill();
        if (sourceDone && inners.length === 0 && pending.length === 0 && !subscriber.closed) subscriber.complete();
      };
      const fill = (): void => {
        try {
          while (pending.length > 0 && inners.length < limit() && !subscriber.closed) start(pending.shift()!);
        } catch (err) {
          subscriber.error(err); // the executor shut down or broke: the output ends with why
        }
      };

      const subscription = source.subscribe({
        next: (value) => {
          pending.push(value);
          fill();
        },
        error: (err) => subscriber.error(err),
        complete: () => {
          sourceDone = true;
          advance();
        },
      });
      return () => {
        subscription.unsubscribe();
        pending.length = 0;
        for (const inner of inners.splice(0)) inner.stream.cancel();
      };
    });
}

/**
 * A map result is both an Observable and an AsyncIterable. Iterating it holds the engine
 * back while the consumer has a backlog, and leaving the loop early (break, return,
 * throw) unsubscribes, which cancels the outstanding tasks.
 */
import { Observable, type Subscriber, type Subscription } from 'rxjs';

/** What `map`/`starmap` return: subscribe to it, or `for await` over it. */
export type FutureStream<R> = Observable<R> & AsyncIterable<R>;

interface Run {
  teardown(): void;
  pump(): void;
}

type Start<R> = (subscriber: Subscriber<R>, gate: { blocked(): boolean } | undefined) => Run;

export function toFutureStream<R>(start: Start<R>, backlogLimit: number): FutureStream<R> {
  const stream = new Observable<R>((subscriber) => start(subscriber, undefined).teardown) as FutureStream<R>;
  stream[Symbol.asyncIterator] = () => iterate(start, backlogLimit);
  return stream;
}

function iterate<R>(start: Start<R>, backlogLimit: number): AsyncIterator<R> {
  const values: R[] = [];
  let ended: { error?: unknown; failed: boolean } | undefined;
  let waiting: { resolve: (r: IteratorResult<R>) => void; reject: (e: unknown) => void } | undefined;
  let run: Run | undefined;
  let started = false;
  let subscription: Subscription | undefined;

  const settleWaiting = () => {
    if (!waiting) return;
    const w = waiting;
    if (values.length > 0) {
      waiting = undefined;
      w.resolve({ value: values.shift()!, done: false });
    } else if (ended) {
      waiting = undefined;
      if (ended.failed) w.reject(ended.error);
      else w.resolve({ value: undefined, done: true });
    }
  };
  const begin = () => {
    started = true;
    const sink = new Observable<R>((s) => {
      run = start(s, { blocked: () => values.length >= backlogLimit });
      return run.teardown;
    });
    subscription = sink.subscribe({
      next: (v) => {
        values.push(v);
        settleWaiting();
      },
      error: (error) => {
        ended = { error, failed: true };
        settleWaiting();
      },
      complete: () => {
        ended = { failed: false };
        settleWaiting();
      },
    });
  };

  return {
    next() {
      if (!started) begin();
      if (values.length > 0) {
        const value = values.shift()!;
        if (values.length < backlogLimit) run?.pump();
        return Promise.resolve({ value, done: false });
      }
      if (ended) {
        if (ended.failed) {
          const error = ended.error;
          ended = { failed: false };
          return Promise.reject(error);
        }
        return Promise.resolve({ value: undefined, done: true });
      }
      run?.pump();
      return new Promise((resolve, reject) => (waiting = { resolve, reject }));
    },
    return() {
      ended = { failed: false };
      values.length = 0;
      subscription?.unsubscribe(); // tears the run down: its outstanding tasks are cancelled
      settleWaiting(); // a next() still pending ends too
      return Promise.resolve({ value: undefined, done: true });
    },
  };
}

/**
 * Feeds the map engine from any Source. Iterables and async iterables are pulled only as
 * far as the engine asks (so an infinite generator is fine); an Observable pushes, and
 * its values wait here, unsubmitted, until the window has room.
 */
import { from, isObservable, type ObservableInput, type Subscription } from 'rxjs';
import type { Source } from './executor.js';
import { Fifo } from './fifo.js';

export interface FeedEvents {
  /** New items can be taken (or the end was reached). */
  readonly ready: () => void;
  readonly error: (err: unknown) => void;
}

export interface ItemFeed<T> {
  /** Up to `n` items available now (pulls a sync iterable). */
  take(n: number): T[];
  /** Asks an asynchronous source to have `n` items ready. */
  want(n: number): void;
  /** True once the source has ended and every item was taken. */
  exhausted(): boolean;
  close(): void;
}

export function feedFrom<T>(source: Source<T>, events: FeedEvents): ItemFeed<T> {
  if (source == null) throw new TypeError('map: items must be an iterable, an async iterable or an Observable');
  const s = source as object;
  if (!isObservable(s) && typeof s !== 'string' && Symbol.iterator in s) {
    return iterableFeed((s as Iterable<T>)[Symbol.iterator](), events);
  }
  if (!isObservable(s) && Symbol.asyncIterator in s) {
    return asyncIterableFeed((s as AsyncIterable<T>)[Symbol.asyncIterator](), events);
  }
  return observableFeed(source as ObservableInput<T>, events);
}

function iterableFeed<T>(it: Iterator<T>, events: FeedEvents): ItemFeed<T> {
  let done = false;
  return {
    take(n) {
      const out: T[] = [];
      while (!done && out.length < n) {
        let r: IteratorResult<T>;
        try {
          r = it.next();
        } catch (err) {
          done = true;
          events.error(err);
          break;
        }
        if (r.done) done = true;
        else out.push(r.value);
      }
      return out;
    },
    want() {},
    exhausted: () => done,
    close() {
      if (!done) {
        done = true;
        try {
          it.return?.();
        } catch {
          // a generator's cleanup error has nowhere to go once the stream is closed
        }
      }
    },
  };
}

function asyncIterableFeed<T>(it: AsyncIterator<T>, events: FeedEvents): ItemFeed<T> {
  const buffer: T[] = [];
  let done = false;
  let closed = false;
  let pulling = false;
  let wanted = 0;
  const pull = async () => {
    pulling = true;
    try {
      while (!done && !closed && buffer.length < wanted) {
        const r = await it.next();
        if (closed) break;
        if (r.done) done = true;
        else buffer.push(r.value);
        events.ready();
      }
    } catch (err) {
      done = true;
      if (!closed) events.error(err);
    } finally {
      pulling = false;
    }
  };
  return {
    take: (n) => buffer.splice(0, n),
    want(n) {
      wanted = n;
      if (!pulling && !done && buffer.length < n) void pull();
    },
    exhausted: () => done && buffer.length === 0,
    close() {
      closed = true;
      if (!done) void Promise.resolve(it.return?.()).catch(() => {});
    },
  };
}

function observableFeed<T>(source: ObservableInput<T>, events: FeedEvents): ItemFeed<T> {
  const buffer = new Fifo<T>();
  let done = false;
  let closed = false;
  // Assigned after subscribe() returns; close() may run before that (a synchronous source).
  let subscription: Subscription | undefined = undefined;
  const feed: ItemFeed<T> = {
    take: (n) => buffer.take(n),
    want() {},
    exhausted: () => done && buffer.length === 0,
    close() {
      closed = true;
      subscription?.unsubscribe();
    },
  };
  subscription = from(source).subscribe({
    next(v) {
      const wasEmpty = buffer.length === 0;
      buffer.push(v);
      // One signal per batch: a pump takes all the window allows, and what it leaves waits
      // for room, which a finished chunk (or the consumer, for for-await) signals itself.
      if (wasEmpty) events.ready();
    },
    error(err) {
      done = true;
      events.error(err);
    },
    complete() {
      done = true;
      events.ready();
    },
  });
  if (closed) subscription.unsubscribe();
  return feed;
}

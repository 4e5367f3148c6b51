/**
 * The one windowed map shared by executor.map, starmap and parallelMap (as RxJS keeps
 * mergeInternals once). Items become chunks, at most `window` chunks are outstanding
 * (counting finished-but-not-emitted ones), output is reordered to input order when
 * `ordered`, and however the subscription ends, its unfinished chunks are cancelled.
 */
import type { Subscriber } from 'rxjs';
import type { ChunkHandle, ChunkRunner } from './chunk.js';
import { autoSizer, fixedSizer, type ChunkSizer } from './chunking.js';
import { CancelledError } from './errors.js';
import { feedFrom, type ItemFeed } from './map-source.js';
import type { MapOptions } from './options.js';
import type { EncodedTask } from './task.js';
import type { Source } from './executor.js';
import { toFutureStream, type FutureStream } from './future-stream.js';

export type { FutureStream };

/** What the engine needs: run chunks, and say why it no longer accepts them. */
export interface MapRunner extends ChunkRunner {
  closedError(): Error | undefined;
  /** The executor-wide taskTimeout, if any. */
  readonly defaultTimeout: number | undefined;
}

interface Entry {
  readonly first: number; // position of its first item in the source
  readonly count: number;
  /** performance.now() when submitted. */
  readonly sentAt: number;
  handle: ChunkHandle | undefined;
  values?: ArrayLike<unknown>;
  errors?: unknown[] | null;
}

/** Lets a consumer (for-await) hold the engine back while it has a backlog. */
export interface Gate {
  blocked(): boolean;
}

/**
 * A cold stream of `fn` over `source`, run on `runner`.
 * @internal Reached through Executor.map/starmap and parallelMap.
 */
export function mapStream<T, R>(
  runner: MapRunner,
  task: EncodedTask,
  source: Source<T>,
  spread: boolean,
  options: MapOptions,
): FutureStream<R> {
  return toFutureStream<R>(
    (subscriber, gate) => new MapRun<T, R>(runner, task, source, spread, options, subscriber, gate),
    typeof options.window === 'number' ? options.window : AUTO_BASE * runner.parallelism,
  );
}

/** 'auto' window: unfinished chunks kept outstanding, per worker (one running, one sent ahead). */
const AUTO_BASE = 2;
/** 'auto' window: the most chunks outstanding, finished ones included, per worker (the memory bound). */
const AUTO_MAX = 32;

class MapRun<T, R> {
  /** A number: the strict bound. undefined: 'auto' (see #limit). */
  readonly #window: number | undefined;
  readonly #autoBase: number;
  readonly #autoMax: number;
  /** Outstanding chunks without an outcome yet. */
  #unfinished = 0;
  /** Moving average of a chunk's round trip, ms: what counts as a slow head. */
  #chunkMs = 0;
  /** Pumps again when a late head becomes slow (at most one pending). */
  #slowHeadTimer: ReturnType<typeof setTimeout> | undefined;
  readonly #ordered: boolean;
  readonly #mode: NonNullable<MapOptions['errors']>;
  readonly #sizer: ChunkSizer;
  readonly #outstanding: Entry[] = [];
  #feed: ItemFeed<T> | undefined;
  #position = 0;
  #closed = false;
  #busy = false; // inside pump: re-entrant calls only mark #again
  // Also set by a pump asked for before #feed exists (a synchronous source pushing during
  // construction); the constructor pumps once the feed is there.
  #again = false;
  #scheduled = false;
  /** The executor refused more work: drain, then end with this error. */
  #stopped: unknown;
  #firstError: { at: number; error: unknown } | undefined;

  constructor(
    private readonly runner: MapRunner,
    private readonly task: EncodedTask,
    source: Source<T>,
    private readonly spread: boolean,
    private readonly options: MapOptions,
    private readonly subscriber: Subscriber<R>,
    private readonly gate: Gate | undefined,
  ) {
    this.#window = typeof options.window === 'number' ? options.window : undefined;
    this.#autoBase = AUTO_BASE * runner.parallelism;
    this.#autoMax = AUTO_MAX * runner.parallelism;
    this.#ordered = options.ordered !== false;
    this.#mode = options.errors ?? 'ordered';
    // A timed task is stopped on its own (its signal, then its worker if it does not stop): one item per chunk.
    const timed = options.taskTimeout !== undefined || runner.defaultTimeout !== undefined;
    const size = timed ? 1 : options.chunksize;
    this.#sizer = size === undefined || size === 'auto' ? autoSizer() : fixedSizer(size);
    try {
      this.#feed = feedFrom(source, { ready: () => this.#schedule(), error: (e) => this.#sourceFailed(e) });
    } catch (err) {
      this.#fail(err);
      return;
    }
    this.pump();
  }

  readonly teardown = (): void => this.#close();

  /**
   * A pushing source gets one pump per microtask, not one per value: values emitted
   * together (a synchronous burst) then form full chunks.
   */
  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    void Promise.resolve().then(() => {
      this.#scheduled = false;
      this.pump();
    });
  }

  /** Submits chunks while the window has room, emits what is ready, ends when all is done. */
  pump(): void {
    if (this.#busy || this.#closed || !this.#feed) {
      this.#again = true;
      return;
    }
    this.#busy = true;
    do {
      this.#again = false;
      this.#emitReady();
      if (!this.#closed) this.#submitWhileRoom();
    } while (this.#again && !this.#closed);
    this.#busy = false;
    if (!this.#closed && this.#outstanding.length === 0 && (this.#stopped || this.#feed.exhausted())) this.#finish();
  }

  /**
   * How many chunks may be outstanding now. 'auto' counts only unfinished chunks against
   * its base: finished results waiting behind a slow head (ordered output) widen it, so
   * the workers keep running instead of idling behind the head; as the head catches up
   * and they are emitted, it narrows back. Unordered output never waits, so it never widens.
   */
  #limit(): number {
    if (this.#window !== undefined) return this.#window;
    const waiting = this.#outstanding.length - this.#unfinished;
    if (waiting === 0) return this.#autoBase;
    // A head that is merely a little late (chunks finishing out of order) is not slow: widening
    // then would only hold more results in memory. Slow: twice the usual round trip.
    const head = this.#outstanding[0]!;
    if (head.values) return this.#autoBase;
    const slowIn = 2 * this.#chunkMs - (performance.now() - head.sentAt);
    if (slowIn > 0) {
      // Nothing else may come to pump again before the head finishes: look again then.
      this.#slowHeadTimer ??= setTimeout(() => {
        this.#slowHeadTimer = undefined;
        this.pump();
      }, Math.ceil(slowIn));
      return this.#autoBase;
    }
    return Math.min(this.#autoMax, this.#autoBase + waiting);
  }

  #submitWhileRoom(): void {
    const feed = this.#feed!;
    const size = this.#sizer.next();
    while (this.#outstanding.length < this.#limit() && !this.#stopped && !this.gate?.blocked()) {
      const items = feed.take(size);
      if (this.#closed || items.length === 0) break;
      this.#submit(items);
    }
    if (!this.#closed) feed.want((this.#limit() - this.#outstanding.length) * size);
  }

  #submit(items: T[]): void {
    const entry: Entry = { first: this.#position, count: items.length, sentAt: performance.now(), handle: undefined };
    this.#position += items.length;
    this.#outstanding.push(entry);
    this.#unfinished++;
    try {
      entry.handle = this.runner.runChunk(
        this.task,
        items,
        { timeoutMs: this.options.taskTimeout, graceMs: this.options.cancelGrace, spread: this.spread },
        {
          complete: (values, errors, ms) => {
            if (this.#closed) return; // cancelled by us: nobody is listening
            this.#unfinished--;
            const rtt = performance.now() - entry.sentAt;
            this.#chunkMs = this.#chunkMs === 0 ? rtt : this.#chunkMs * 0.8 + rtt * 0.2;
            entry.values = values;
            entry.errors = errors;
            this.#sizer.record(items.length, ms);
            const failure = this.#mode === 'immediate' ? errors?.find((e) => e !== undefined) : undefined;
            // 'immediate': no value of this chunk may overtake older, unfinished chunks.
            if (failure !== undefined) this.#fail(this.#causeOf(failure));
            else this.pump();
          },
        },
      );
    } catch (err) {
      // Shut down (or broken) under us: what was submitted still runs, so its values are
      // emitted; the error comes where the next value would have.
      this.#outstanding.pop();
      this.#unfinished--;
      this.#stopped = err;
      this.#feed?.close();
    }
  }

  #emitReady(): void {
    const list = this.#outstanding;
    let i = 0;
    while (i < list.length && !this.#closed) {
      const entry = list[i]!;
      if (!entry.values) {
        if (this.#ordered) return;
        i++;
        continue;
      }
      list.splice(i, 1);
      this.#emitEntry(entry);
    }
  }

  #emitEntry(entry: Entry): void {
    const { values, errors } = entry;
    for (let k = 0; k < entry.count && !this.#closed; k++) {
      const error = errors?.[k];
      if (error === undefined) {
        this.subscriber.next(values![k] as R);
        continue;
      }
      const cause = this.#causeOf(error);
      if (this.#mode !== 'end') return this.#fail(cause);
      if (!this.#firstError || entry.first + k < this.#firstError.at) {
        this.#firstError = { at: entry.first + k, error: cause };
      }
    }
  }

  /** A cancellation we did not ask for means the executor shut down under us. */
  #causeOf(error: unknown): unknown {
    return error instanceof CancelledError ? (this.runner.closedError() ?? error) : error;
  }

  #sourceFailed(err: unknown): void {
    if (this.#mode === 'end' && !this.#closed) {
      // Drain what was submitted; the error comes last unless a task failed earlier.
      this.#firstError ??= { at: Infinity, error: err };
      this.pump();
    } else {
      this.#fail(err);
    }
  }

  #finish(): void {
    const first = this.#firstError ?? (this.#stopped ? { at: Infinity, error: this.#stopped } : undefined);
    this.#close();
    if (first) this.subscriber.error(first.error);
    else this.subscriber.complete();
  }

  #fail(err: unknown): void {
    if (this.#closed) return;
    this.#close();
    this.subscriber.error(err);
  }

  /** Ends the run: the source is released and every unfinished chunk is cancelled. */
  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#slowHeadTimer);
    this.#feed?.close();
    const stop = this.options.cancelRunning !== false;
    // Empty the list first: a cancel settles its chunk at once, and callbacks may look at it.
    const outstanding = this.#outstanding.splice(0);
    for (const entry of outstanding) if (!entry.values) entry.handle?.cancel(stop);
  }
}

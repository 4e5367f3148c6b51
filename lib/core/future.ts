import { Observable, ReplaySubject, Subscriber, type Observer, type Subscription } from 'rxjs';
import { CancelledError, InvalidStateError, WaitTimeoutError } from './errors.js';
import { reportCallbackError } from './report.js';

/** The life of a future, as in CPython's `concurrent.futures._base`. */
const enum State {
  Pending,
  Running,
  Cancelled,
  Finished,
}

type DoneCallback<T> = (future: Future<T>) => void;

/**
 * Owner-side hooks. An executor installs them while the task is queued or sent ahead,
 * so that `cancel()` and `running()` ask the place where the task really is.
 * @internal
 */
export interface FutureOwner {
  /** Withdraws the task. True: it will never run. False: a worker has already started it. */
  withdraw(): boolean;
  /** True once a worker has started the task (read from shared memory, no message). */
  started?(): boolean;
}

/**
 * The eventual outcome of one task: Python's `concurrent.futures.Future`, which is also
 * a hot Observable that replays its outcome like an `AsyncSubject`, and a thenable.
 *
 * Unsubscribing from it detaches that observer only; use `cancel()` (or `fromTask`) to
 * cancel the task.
 * @example
 * const f = executor.submit((a: number, b: number) => a + b, 1, 2);
 * f.running(); f.done();
 * console.log(await f);            // 3
 * f.subscribe((v) => console.log(v)); // 3, synchronously: the outcome is replayed
 */
export class Future<T> extends Observable<T> implements PromiseLike<T> {
  #state: State = State.Pending;
  #ok = false;
  #value: unknown = undefined;
  #callbacks: DoneCallback<T>[] | null = null;
  #observers: Subscriber<T>[] | null = null;
  #owner: FutureOwner | null = null;
  #promise: Promise<T> | undefined;
  /** Settle #promise: made with it, dropped once called. */
  #resolve: ((value: T) => void) | undefined;
  #reject: ((error: unknown) => void) | undefined;
  /** Made when the task first reports progress or someone asks for progress$. */
  #progress: ReplaySubject<unknown> | undefined;
  #progress$: Observable<unknown> | undefined;

  constructor() {
    super((subscriber) => this.#subscribeInternal(subscriber));
  }

  /**
   * Attempts to cancel. True if the task was pending (it will never run) or already
   * cancelled; false if it is running or done.
   * @example
   * const f = ex.submit(slow); if (f.cancel()) console.log('never ran');
   */
  cancel(): boolean {
    if (this.#state === State.Cancelled) return true;
    if (this.#state !== State.Pending) return false;
    if (this.#owner && !this.#owner.withdraw()) {
      this.#state = State.Running;
      return false;
    }
    // Withdrawing may already have settled us, through the executor.
    if (!this.done()) this.#settle(State.Cancelled, false, new CancelledError());
    return true;
  }

  /** True if the future was cancelled. @example f.cancel(); f.cancelled(); // true */
  cancelled(): boolean {
    return this.#state === State.Cancelled;
  }

  /** True while a worker runs the task. @example if (f.running()) console.log('busy'); */
  running(): boolean {
    if (this.#state === State.Pending && this.#owner?.started?.()) this.#state = State.Running;
    return this.#state === State.Running;
  }

  /** True once finished, failed or cancelled. @example await f; f.done(); // true */
  done(): boolean {
    return this.#state === State.Cancelled || this.#state === State.Finished;
  }

  /**
   * The task's value. Rejects with the task's error, `CancelledError`, or after
   * `timeoutMs` with `WaitTimeoutError` (the task goes on).
   * @example
   * const v = await f.result(5_000);
   */
  result(timeoutMs?: number): Promise<T> {
    if (timeoutMs === undefined) return (this.#promise ??= this.#makePromise());
    return this.#whenDone(timeoutMs).then(() => this.#outcome());
  }

  /**
   * The promise of result(): settled directly by #settle. Every awaited future has one, so it
   * is one promise, not a chain of them with a done callback (less for the GC to copy while
   * thousands of futures are pending).
   */
  #makePromise(): Promise<T> {
    if (this.done()) return this.#ok ? Promise.resolve(this.#value as T) : Promise.reject(this.#value);
    return new Promise<T>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
  }

  #outcome(): T {
    if (this.#ok) return this.#value as T;
    throw this.#value;
  }

  /**
   * The task's error, or `null` after a success. Rejects with `CancelledError` or
   * `WaitTimeoutError`.
   * @example
   * const err = await f.exception(); if (err) console.error(err);
   */
  exception(timeoutMs?: number): Promise<unknown> {
    return this.#whenDone(timeoutMs).then(() => {
      if (this.#state === State.Cancelled) throw this.#value;
      return this.#ok ? null : this.#value;
    });
  }

  /**
   * Calls `cb(future)` once the future is done, in the order callbacks were added; at
   * once (synchronously) if it is already done. A throwing callback is reported with
   * `console.error` and the others still run.
   * @example
   * f.addDoneCallback((fut) => console.log('done', fut.cancelled()));
   */
  addDoneCallback(cb: (future: Future<T>) => void): void {
    if (this.done()) {
      invokeReporting(cb, this);
      return;
    }
    (this.#callbacks ??= []).push(cb);
  }

  /**
   * Thenable: `await future` gives the value or throws the task's error.
   * @example
   * const sum = await executor.submit((a: number, b: number) => a + b, 1, 2); // 3
   */
  then<R1 = T, R2 = never>(
    onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.result().then(onFulfilled, onRejected);
  }

  /**
   * Observes the outcome: `next` then `complete` on success, `error` on failure or
   * cancellation; replayed if already done. Unsubscribing does not cancel the task. A
   * throwing observer is reported with `console.error` and the other observers still run.
   * @example
   * f.subscribe({ next: (v) => console.log(v), error: (e) => console.error(e) });
   */
  // RxJS reports a throwing terminal observer (or an error nobody handles) on a timer,
  // which crashes Node; the contract asks for console.error, the other observers running.
  /**
   * Subscribes to the outcome: `next(value)` then `complete()`, or `error(err)`. A late
   * subscriber gets it synchronously. Unsubscribing detaches this observer only.
   * @example
   * future.subscribe({ next: (v) => console.log(v), error: (e) => console.error(e) });
   */
  override subscribe(observerOrNext?: Partial<Observer<T>> | ((value: T) => void) | null): Subscription;
  /** @deprecated Use an observer object, as RxJS 7 recommends. */
  override subscribe(
    next?: ((value: T) => void) | null,
    error?: ((error: unknown) => void) | null,
    complete?: (() => void) | null,
  ): Subscription;
  override subscribe(
    observerOrNext?: Partial<Observer<T>> | ((value: T) => void) | null,
    error?: ((error: unknown) => void) | null,
    complete?: (() => void) | null,
  ): Subscription {
    if (observerOrNext instanceof Subscriber) return super.subscribe(observerOrNext);
    const o: Partial<Observer<T>> =
      typeof observerOrNext === 'function' || observerOrNext == null
        ? { next: observerOrNext ?? undefined, error: error ?? undefined, complete: complete ?? undefined }
        : observerOrNext;
    return super.subscribe({
      next: (v: T) => (o.next ? invokeReporting(o.next.bind(o), v) : undefined),
      error: (e: unknown) =>
        o.error
          ? invokeReporting(o.error.bind(o), e)
          : reportCallbackError(e, 'a future failed and its observer has no error handler'),
      complete: () => (o.complete ? invokeReporting(o.complete.bind(o), undefined) : undefined),
    });
  }

  // ---- For executor implementers (Python's set_running_or_notify_cancel & co.) ----

  /**
   * Marks the future RUNNING. Returns false if it was cancelled (then do not run it).
   * Throws `InvalidStateError` if it is already running or done.
   * @example
   * if (future.setRunningOrNotifyCancel()) future.setResult(compute());
   */
  setRunningOrNotifyCancel(): boolean {
    if (this.#state === State.Cancelled) return false;
    if (this.#state !== State.Pending) {
      throw new InvalidStateError(`future is already ${this.#describe()}; it can start only once`);
    }
    this.#owner = null;
    this.#state = State.Running;
    return true;
  }

  /**
   * Settles the future with a value. Throws `InvalidStateError` if it is done.
   * @example
   * const f = new Future<number>(); f.setResult(42); await f; // 42
   */
  setResult(value: T): void {
    this.#assertNotDone('setResult');
    this.#settle(State.Finished, true, value);
  }

  /**
   * Settles the future with an error. Throws `InvalidStateError` if it is done.
   * @example
   * const f = new Future<number>(); f.setException(new Error('no')); await f.exception(); // Error: no
   */
  setException(error: unknown): void {
    this.#assertNotDone('setException');
    this.#settle(State.Finished, false, error);
  }

  /**
   * Each `reportProgress(value)` of the task (`rxjs-futures/worker`), in order; replays the
   * latest to a late subscriber, and completes when the future is done (at once if it is).
   * @example
   * executor.submit(crawl, urls).progress$.subscribe((p) => bar.update(p));
   */
  get progress$(): Observable<unknown> {
    return (this.#progress$ ??= this.#progressSubject().asObservable());
  }

  /** @internal The task reported `value`. */
  _progress(value: unknown): void {
    if (!this.done()) this.#progressSubject().next(value);
  }

  #progressSubject(): ReplaySubject<unknown> {
    if (!this.#progress) {
      this.#progress = new ReplaySubject<unknown>(1);
      if (this.done()) this.#progress.complete();
    }
    return this.#progress;
  }

  /** @internal Installs or clears the owner consulted by cancel() and running(). */
  _setOwner(owner: FutureOwner | null): void {
    this.#owner = owner;
  }

  /** @internal Ends a future whose run was abandoned (its worker was stopped for it). */
  _abandon(): void {
    if (!this.done()) this.#settle(State.Cancelled, false, new CancelledError());
  }

  #assertNotDone(op: string): void {
    if (this.done()) {
      throw new InvalidStateError(`${op}: the future is already ${this.#describe()}; a future settles once`);
    }
  }

  #describe(): string {
    return ['pending', 'running', 'cancelled', 'finished'][this.#state]!;
  }

  #settle(state: State, ok: boolean, value: unknown): void {
    this.#state = state;
    this.#ok = ok;
    this.#value = value;
    this.#owner = null;
    const callbacks = this.#callbacks;
    const observers = this.#observers;
    this.#callbacks = this.#observers = null;
    this.#progress?.complete();
    const resolve = this.#resolve;
    const reject = this.#reject;
    this.#resolve = this.#reject = undefined;
    if (ok) resolve?.(value as T);
    else reject?.(value);
    if (callbacks) for (const cb of callbacks) invokeReporting(cb, this);
    if (observers) for (const s of observers) this.#deliver(s);
  }

  #subscribeInternal(subscriber: Subscriber<T>): () => void {
    if (this.done()) {
      this.#deliver(subscriber);
      return noop;
    }
    (this.#observers ??= []).push(subscriber);
    return () => {
      const list = this.#observers;
      const i = list ? list.indexOf(subscriber) : -1;
      if (i >= 0) list!.splice(i, 1);
    };
  }

  #deliver(subscriber: Subscriber<T>): void {
    if (this.#ok) {
      subscriber.next(this.#value as T);
      subscriber.complete();
    } else {
      subscriber.error(this.#value);
    }
  }

  #whenDone(timeoutMs?: number): Promise<void> {
    if (this.done()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      if (timeoutMs !== undefined) {
        timer = setTimeout(
          () => reject(new WaitTimeoutError(`the future did not finish within ${timeoutMs} ms; the task goes on`)),
          timeoutMs,
        );
      }
      this.addDoneCallback(() => {
        if (timer) clearTimeout(timer);
        resolve();
      });
    });
  }
}

function noop(): void {}

function invokeReporting<A>(fn: (arg: A) => void, arg: A): void {
  try {
    fn(arg);
  } catch (err) {
    reportCallbackError(err);
  }
}

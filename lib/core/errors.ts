/**
 * The error classes of the public contract. Each sets `name` to its class name so
 * that errors stay recognisable after logging, cloning or `instanceof` across realms.
 */

abstract class FuturesError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * The future was cancelled before it ran (or its run was abandoned by unsubscription).
 * @example
 * f.cancel(); await f.result().catch((e) => e instanceof CancelledError); // true
 */
export class CancelledError extends FuturesError {
  constructor(message = 'the future was cancelled') {
    super(message);
  }
}

/**
 * `result()`, `exception()` or `asCompleted()` gave up waiting. The task itself goes on.
 * @example
 * await f.result(10).catch((e) => e instanceof WaitTimeoutError);
 */
export class WaitTimeoutError extends FuturesError {}

/**
 * The task ran longer than its `taskTimeout`; its worker was terminated and replaced.
 * @example
 * ex.map(slow, items, { taskTimeout: 100 }); // failing items error with TaskTimeoutError
 */
export class TaskTimeoutError extends FuturesError {
  constructor(
    /** The timeout that was exceeded, in ms. */
    readonly timeoutMs: number,
  ) {
    super(
      `the task ran longer than its taskTimeout of ${timeoutMs} ms; it was stopped (its signal aborted; its worker is replaced if it did not stop within cancelGrace)`,
    );
  }
}

/**
 * The worker running the task died (process.exit, out of memory, an uncaught
 * asynchronous error, a native crash, or termination). The pool replaced it; other tasks
 * are unaffected.
 * @example
 * const e = await ex.submit(() => process.exit(3)).exception(); // e.exitCode === 3
 */
export class WorkerCrashedError extends FuturesError {
  /** The signal that killed a worker process (`'SIGSEGV'`, `'SIGABRT'`, `'SIGKILL'`…); undefined for threads. */
  readonly signal: string | undefined;

  constructor(
    /** Why the worker died, in words, e.g. `'the task called process.exit(3)'`. */
    readonly reason: string,
    /** The code the task passed to `process.exit`, where there was one. */
    readonly exitCode: number | undefined,
    options?: ErrorOptions & { signal?: string },
  ) {
    super(
      `the worker running this task died (${reason}${exitCode === undefined ? '' : `, exit code ${exitCode}`}); ` +
        'it was replaced and other tasks are unaffected',
      options,
    );
    this.signal = options?.signal;
  }
}

/**
 * The executor cannot run tasks any more: its `initializer` failed or workers cannot
 * start. Pending futures fail with it and `submit` throws it.
 * @example
 * new ThreadPoolExecutor({ initializer: () => { throw new Error('no db') } });
 */
export class BrokenExecutorError extends FuturesError {}

/**
 * `submit` was called after `shutdown()` began.
 * @example
 * await ex.shutdown(); ex.submit(f); // throws ExecutorShutdownError
 */
export class ExecutorShutdownError extends FuturesError {
  constructor(message = 'cannot submit: the executor has been shut down; create a new executor') {
    super(message);
  }
}

/**
 * A future was settled twice (or an operation met a future in the wrong state).
 * @example
 * future.setResult(1); future.setResult(2); // throws InvalidStateError
 */
export class InvalidStateError extends FuturesError {}

/**
 * An argument or a result could not be sent between threads by structured clone.
 * The message names `argument N` (0-based) or `result`, and the type that failed.
 * @example
 * await ex.submit((f) => f, () => 1).exception(); // TaskSerializationError: argument 0 …
 */
export class TaskSerializationError extends FuturesError {}

/**
 * Wraps a thrown value that is not an `Error` (a string, a number, a plain object);
 * the value itself is kept, cloned, as `value`.
 * @example
 * const e = await ex.submit(() => { throw 'boom' }).exception(); // e.value === 'boom'
 */
export class TaskError extends FuturesError {
  constructor(
    /** The thrown value, structured-cloned from the worker. */
    readonly value: unknown,
  ) {
    super(`the task threw a non-Error value: ${describeValue(value)}`);
  }
}

function describeValue(value: unknown): string {
  try {
    const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
    return text.length > 200 ? `${text.slice(0, 200)}…` : text;
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/**
 * Option checks shared by the constructors and the map calls: synchronous, and worded
 * so the message says which option, what was given and what is allowed.
 */

/** Options of `executor.map`, `starmap` and `parallelMap`. */
export interface MapOptions {
  /** true (default): input order; false: completion order. */
  ordered?: boolean;
  /**
   * Max chunks outstanding, counting finished-but-not-emitted ones. A number is a strict
   * bound. 'auto' (default) keeps 2 × maxWorkers unfinished chunks outstanding, and widens
   * (up to 32 × maxWorkers) only by the finished results that wait behind a slower head.
   */
  window?: number | 'auto';
  /** Items per chunk (one message, one worker); 'auto' (default) adapts to measured task time. */
  chunksize?: number | 'auto';
  /** 'ordered' (default): error at the failed item's position; 'immediate'; 'end'. */
  errors?: 'ordered' | 'immediate' | 'end';
  /** ms per task, from when it starts running. */
  taskTimeout?: number;
  /** Default true: on unsubscribe, running tasks are stopped (their signal aborts; see cancelGrace). */
  cancelRunning?: boolean;
  /**
   * ms a running task has to settle after its signal aborts, before its worker is
   * terminated and replaced; default the executor's (50 ms on a ThreadPoolExecutor). 0: at once.
   */
  cancelGrace?: number;
}

const ERROR_MODES = new Set(['ordered', 'immediate', 'end']);

export function checkObject(where: string, options: unknown): Record<string, unknown> {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`${where}: options must be an object, got ${options === null ? 'null' : typeof options}`);
  }
  return options as Record<string, unknown>;
}

/** A positive (or, with min 0, non-negative) integer; undefined passes. */
export function checkInteger(where: string, name: string, value: unknown, min = 1): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new TypeError(`${where}: ${name} must be an integer, got ${describe(value)}`);
  }
  if (value < min) {
    throw new RangeError(
      `${where}: ${name} must be ${min === 1 ? 'a positive integer' : `at least ${min}`}, got ${value}`,
    );
  }
}

/** A duration in ms: a number > 0 (or ≥ 0 with allowZero); Infinity allowed. */
export function checkDuration(where: string, name: string, value: unknown, allowZero = false): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new TypeError(`${where}: ${name} must be a number of milliseconds, got ${describe(value)}`);
  }
  if (allowZero ? value < 0 : value <= 0) {
    throw new RangeError(`${where}: ${name} must be ${allowZero ? 'zero or more' : 'more than zero'} ms, got ${value}`);
  }
}

export function checkBoolean(where: string, name: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'boolean') {
    throw new TypeError(`${where}: ${name} must be true or false, got ${describe(value)}`);
  }
}

/** Validates map options; returns them typed. */
export function checkMapOptions(where: string, options: unknown): MapOptions {
  const o = checkObject(where, options);
  checkBoolean(where, 'ordered', o.ordered);
  if (o.window !== 'auto') checkInteger(where, "window (or 'auto')", o.window);
  if (o.chunksize !== 'auto') checkInteger(where, "chunksize (or 'auto')", o.chunksize);
  if (o.errors !== undefined && !ERROR_MODES.has(o.errors as string)) {
    throw new TypeError(`${where}: errors must be 'ordered', 'immediate' or 'end', got ${describe(o.errors)}`);
  }
  checkDuration(where, 'taskTimeout', o.taskTimeout);
  checkBoolean(where, 'cancelRunning', o.cancelRunning);
  checkDuration(where, 'cancelGrace', o.cancelGrace, true);
  return o as MapOptions;
}

export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object' && value !== null) return Array.isArray(value) ? 'an array' : 'an object';
  return String(value);
}

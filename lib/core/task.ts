import { platform } from '#platform';
import type { TaskDef } from '../protocol.cjs';

/** A function that runs in a worker: self-contained, like a function Python can pickle. */
export type TaskFn<A extends unknown[], R> = (...args: A) => R | PromiseLike<R>;

declare const taskRefTypes: unique symbol;

/** A named export of an ES module, imported once per worker. Made by {@link task}. */
export interface TaskRef<A extends unknown[], R> {
  /** The module's URL (`file:` or other), as given to {@link task}. */
  readonly module: string;
  /** The name of the export to call; `'default'` for the default export. */
  readonly exportName: string;
  /** Type-level only: the export's parameters and result. */
  readonly [taskRefTypes]?: (...args: A) => R;
}

/** What an executor runs: an inline function or a module export. */
export type Task<A extends unknown[], R> = TaskFn<A, R> | TaskRef<A, R>;

/**
 * Names an export of an ES module as a task; the module is imported once per worker, so
 * it may use imports of its own. Accepts an absolute path, a `file:` URL string or a URL.
 * A `.ts` module works when tsx is installed (the worker registers it).
 * @typeParam F - The exported function's type (e.g. `typeof Tasks.fib`), for typed arguments and result.
 * @example
 * import type * as Tasks from './tasks.js';
 * const fib = task<typeof Tasks.fib>(new URL('./tasks.js', import.meta.url), 'fib');
 * await executor.submit(fib, 30);
 */
export function task<F extends (...args: any[]) => unknown>(
  module: string | URL,
  exportName = 'default',
): TaskRef<Parameters<F>, Awaited<ReturnType<F>>> {
  if (!(module instanceof URL) && typeof module !== 'string') {
    throw new TypeError(`task(): module must be an absolute path, a file: URL or a URL, got ${typeof module}`);
  }
  const url = platform.moduleUrl(module);
  if (typeof exportName !== 'string' || exportName === '') {
    throw new TypeError(`task(): exportName must be a non-empty string, got ${String(exportName)}`);
  }
  return Object.freeze({ module: url.href, exportName });
}

/** A task as the executors handle it: a stable id and how to rebuild it in a worker. */
export interface EncodedTask {
  readonly id: number;
  readonly def: TaskDef;
  /** The function itself, for executors that run on the calling thread. */
  readonly local?: (...args: unknown[]) => unknown;
}

let nextId = 0;
type AnyFunction = (...args: never[]) => unknown;
const fnCache = new WeakMap<AnyFunction, EncodedTask>();
const sourceIds = new Map<string, EncodedTask>();
const refCache = new WeakMap<object, EncodedTask>();

/**
 * Turns a Task into its wire form; throws TypeError for what can never run in a worker.
 * Cached by identity, so the hot path does not stringify a function per submit.
 */
export function encodeTask(fn: Task<any, any>): EncodedTask {
  if (typeof fn === 'function') {
    let enc = fnCache.get(fn);
    if (!enc) {
      enc = encodeFunction(fn);
      fnCache.set(fn, enc);
    }
    return enc;
  }
  if (typeof fn === 'object' && fn !== null && typeof fn.module === 'string' && typeof fn.exportName === 'string') {
    let enc = refCache.get(fn);
    if (!enc) {
      enc = { id: nextId++, def: { kind: 'module', url: fn.module, exportName: fn.exportName } };
      refCache.set(fn, enc);
    }
    return enc;
  }
  throw new TypeError(`a task must be a function or task(url, exportName), got ${fn === null ? 'null' : typeof fn}`);
}

function encodeFunction(fn: AnyFunction): EncodedTask {
  const source = Function.prototype.toString.call(fn);
  if (fn.name.startsWith('bound ') || /\{\s*\[native code\]\s*\}$/.test(source)) {
    throw new TypeError(
      `${fn.name || 'this function'} is a bound or native function, whose source cannot be sent to a worker; ` +
        'wrap it in a self-contained arrow function, e.g. (x) => Math.sqrt(x)',
    );
  }
  if (/^class[\s{]/.test(source)) {
    throw new TypeError('a class cannot be a task; pass a function');
  }
  // Equal sources share one id, so each worker compiles a given source once.
  const shared = sourceIds.get(source);
  const enc: EncodedTask = {
    id: shared ? shared.id : nextId++,
    def: { kind: 'fn', source, name: fn.name },
    local: fn as (...args: unknown[]) => unknown,
  };
  if (!shared) sourceIds.set(source, enc);
  return enc;
}

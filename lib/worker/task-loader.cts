/**
 * Tasks inside a worker: inline functions compiled once per source, module exports
 * imported once per module (through the platform's importer), and the explanations a
 * user needs when either fails.
 */
import type { TaskDef } from '../protocol.cjs';

/** Imports a task module; `describe` names it in errors (a file path on Node). */
export interface ModuleImporter {
  load(url: string): Promise<Record<string, unknown>>;
  describe(url: string): string;
}

let importer: ModuleImporter = {
  load: (url) => import(url) as Promise<Record<string, unknown>>,
  describe: (url) => url,
};

/** Set once by the platform's worker entry. */
export function setModuleImporter(i: ModuleImporter): void {
  importer = i;
}

export type LoadedTask = (...args: unknown[]) => unknown;

export interface TaskEntry {
  /** The function, or a promise while a module is being imported. */
  fn: LoadedTask | Promise<LoadedTask>;
  inline: boolean;
}

const CLOSURE_HINT =
  ' — task functions run in a worker and cannot use variables from the enclosing scope; ' +
  'pass them as arguments, or export the function from a module and use task(url, name)';

// esbuild (tsx) with keepNames wraps inner functions and classes in `__name(...)`; a worker
// has no such helper, so a task that the host runs through tsx would die with a
// ReferenceError on its first inner function. Provide the helper it expects.
const g = globalThis as { __name?: unknown };
g.__name ??= (target: object, value: string) => Object.defineProperty(target, 'name', { value, configurable: true });

const byId = new Map<number, TaskEntry>();
const bySource = new Map<string, LoadedTask>();
const modules = new Map<string, Promise<Record<string, unknown>>>();

const CSP_HINT =
  " — inline tasks are compiled from their source text in the worker, which this page's Content-Security-Policy " +
  "forbids (it lacks 'unsafe-eval' for workers); allow it, or export the function from a module and use task(url, name)";

/** Registers a task definition sent by the host; compiles or imports it once. */
export function defineTask(id: number, def: TaskDef): TaskEntry {
  let entry = byId.get(id);
  if (!entry) {
    entry =
      def.kind === 'fn' ? { fn: compileOrReject(def.source), inline: true } : { fn: importExport(def), inline: false };
    if (entry.fn instanceof Promise) {
      const e = entry;
      e.fn = (e.fn as Promise<LoadedTask>).then((fn) => (e.fn = fn));
      e.fn.catch(() => {}); // the error is delivered to each item that uses it
    }
    byId.set(id, entry);
  }
  return entry;
}

export function getTask(id: number): TaskEntry | undefined {
  return byId.get(id);
}

/** Gives a ReferenceError from an inline task the reason users need. */
export function explainError(err: unknown, entry: TaskEntry): unknown {
  if (entry.inline && err instanceof ReferenceError && / is not defined$/.test(err.message)) {
    const stack = err.stack; // V8 formats `stack` lazily: read it before changing the message
    err.message += CLOSURE_HINT;
    if (stack) err.stack = stack.replace(/^(ReferenceError: .*? is not defined)/, `$1${CLOSURE_HINT}`);
  }
  return err;
}

/** A compile error (EvalError under a strict CSP) fails the items that use the task, not the worker. */
function compileOrReject(source: string): LoadedTask | Promise<LoadedTask> {
  try {
    return compileCached(source);
  } catch (err) {
    if (err instanceof EvalError || (err as Error)?.name === 'EvalError') (err as Error).message += CSP_HINT;
    return Promise.reject(err);
  }
}

function compileCached(source: string): LoadedTask {
  let fn = bySource.get(source);
  if (!fn) {
    fn = compile(source);
    bySource.set(source, fn);
  }
  return fn;
}

function compile(source: string): LoadedTask {
  // Indirect eval runs in global scope: the task sees globals, never host variables.
  const evaluate = eval;
  try {
    return evaluate(`(${source})`) as LoadedTask;
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err;
    // Method shorthand (`run(x) { … }`, `async run(x) { … }`) stringifies without `function`.
    const holder = evaluate(`({${source}})`) as Record<string, LoadedTask>;
    return Object.values(holder)[0]!;
  }
}

async function importExport(def: Extract<TaskDef, { kind: 'module' }>): Promise<LoadedTask> {
  let mod = modules.get(def.url);
  if (!mod) {
    mod = importer.load(def.url);
    modules.set(def.url, mod);
  }
  const ns = await mod;
  const fn = ns[def.exportName];
  if (typeof fn !== 'function') {
    const names = Object.keys(ns).join(', ') || 'none';
    throw new TypeError(
      `task module ${importer.describe(def.url)} has no function export named '${def.exportName}' (its exports: ${names})`,
    );
  }
  return fn as LoadedTask;
}

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { TaskDef } from '../protocol.cjs';

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
let tsxRegistered: Promise<void> | undefined;

/** Registers a task definition sent by the host; compiles or imports it once. */
export function defineTask(id: number, def: TaskDef): TaskEntry {
  let entry = byId.get(id);
  if (!entry) {
    entry =
      def.kind === 'fn' ? { fn: compileCached(def.source), inline: true } : { fn: importExport(def), inline: false };
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
    mod = (async () => {
      if (/\.(c|m)?tsx?$/.test(def.url)) await registerTsx(def.url);
      return (await import(def.url)) as Record<string, unknown>;
    })();
    modules.set(def.url, mod);
  }
  const ns = await mod;
  const fn = ns[def.exportName];
  if (typeof fn !== 'function') {
    const names = Object.keys(ns).join(', ') || 'none';
    throw new TypeError(
      `task module ${fileURLToPath(def.url)} has no function export named '${def.exportName}' (its exports: ${names})`,
    );
  }
  return fn as LoadedTask;
}

/** TypeScript task modules: tsx's loader, resolved from the module's own location. */
function registerTsx(url: string): Promise<void> {
  tsxRegistered ??= (async () => {
    // From the module's own folder first, then from the working directory. The ESM entry
    // of tsx/esm/api is wanted (its CommonJS twin registers a path that does not exist),
    // and require.resolve only knows the "require" condition: read tsx's exports map.
    const api = [url, pathToFileURL(`${process.cwd()}/`).href]
      .map((from) => {
        try {
          const manifest = createRequire(from).resolve('tsx/package.json');
          const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as {
            exports: Record<string, { import?: { default?: string } }>;
          };
          return join(dirname(manifest), pkg.exports['./esm/api']!.import!.default!);
        } catch {
          return undefined;
        }
      })
      .find((found) => found !== undefined);
    if (!api) {
      throw new TypeError(
        `task module ${fileURLToPath(url)} is TypeScript; install tsx (npm i -D tsx) and run the host with tsx, or point task() at compiled JavaScript`,
      );
    }
    const { register } = (await import(pathToFileURL(api).href)) as { register: () => unknown };
    register();
  })();
  return tsxRegistered;
}

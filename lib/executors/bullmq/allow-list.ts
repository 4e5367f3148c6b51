/**
 * The tasks a worker serves: the named function exports of the modules on its command line,
 * imported once here to list them (and to fail at start, not at the first job, when a module
 * does not load). Nothing else can run, whatever a job names.
 */
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { encodeTask, task, type EncodedTask } from '../../core/task.js';

export interface AllowList {
  /** Served task names, sorted. */
  readonly names: readonly string[];
  /** The task a job names, or undefined when it is not served. */
  get(name: string): EncodedTask | undefined;
}

/** Loads `modules` (paths relative to the working directory, absolute paths or file: URLs). */
export async function loadAllowList(modules: readonly string[]): Promise<AllowList> {
  const served = new Map<string, { task: EncodedTask; from: string }>();
  for (const module of modules) {
    const url = /^[a-z]+:/i.test(module) && !isAbsolute(module) ? new URL(module) : pathToFileURL(resolve(module));
    let ns: Record<string, unknown>;
    try {
      ns = (await import(url.href)) as Record<string, unknown>;
    } catch (err) {
      throw new Error(`--tasks ${module}: the module could not be imported: ${(err as Error).message}`, { cause: err });
    }
    const names = Object.keys(ns).filter((name) => name !== 'default' && typeof ns[name] === 'function');
    if (names.length === 0) {
      throw new Error(
        `--tasks ${module}: the module has no named function exports to serve (a default export is not served)`,
      );
    }
    for (const name of names) {
      const other = served.get(name);
      if (other) {
        throw new Error(
          `--tasks: '${name}' is exported by both ${other.from} and ${module}; a task name must be unique: rename or re-export one`,
        );
      }
      served.set(name, { task: encodeTask(task(url, name)), from: module });
    }
  }
  return {
    names: [...served.keys()].sort(),
    get: (name) => served.get(name)?.task,
  };
}

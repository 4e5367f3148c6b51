/**
 * Tasks of a BullMQExecutor are names: a worker runs only the exports of the modules it was
 * started with, so no function source and no path of this machine ever crosses Redis.
 */
import type { EncodedTask, TaskRef } from '../../core/task.js';

/** The `module` of every remoteTask: not a URL any runtime imports, so a local executor refuses it. */
export const REMOTE_MODULE = 'rxjs-futures-remote:';

/**
 * Names a task that `rxjs-futures-worker` processes serve: an export of a module given to
 * them with `--tasks`. Type it with the export's type for typed arguments and result.
 * @typeParam F - The exported function's type (e.g. `typeof Tasks.fib`).
 * @example
 * import type * as Tasks from './tasks.js';
 * const fib = remoteTask<typeof Tasks.fib>('fib');
 * await executor.submit(fib, 30);
 */
export function remoteTask<F extends (...args: any[]) => unknown>(
  name: string,
): TaskRef<Parameters<F>, Awaited<ReturnType<F>>> {
  if (typeof name !== 'string' || name === '') {
    throw new TypeError(`remoteTask(): name must be the non-empty name of an export, got ${String(name)}`);
  }
  return Object.freeze({ module: REMOTE_MODULE, exportName: name });
}

/** The name a job carries for `task`; a TypeError for what cannot run on a remote worker. */
export function remoteName(task: EncodedTask): string {
  const def = task.def;
  if (def.kind === 'module' && def.url === REMOTE_MODULE) return def.exportName;
  if (def.kind === 'fn') {
    throw new TypeError(
      `BullMQExecutor cannot run an inline function (${def.name || 'anonymous'}): function source never crosses Redis. ` +
        "Export it from a module served by rxjs-futures-worker --tasks, and pass remoteTask('name')",
    );
  }
  throw new TypeError(
    `BullMQExecutor cannot run task(${def.url}, '${def.exportName}'): a module URL names a file on this machine. ` +
      `Serve the module with rxjs-futures-worker --tasks, and pass remoteTask('${def.exportName}')`,
  );
}

/**
 * Lets the map engine and the operators drive any Executor: ours run chunks directly;
 * one written by a user (only the public interface) is driven through submit().
 */
import { argsOf, SETTLED_HANDLE, type ChunkHandle, type ChunkSink } from './chunk.js';
import { ExecutorBase, type Executor } from './executor.js';
import type { MapRunner } from './map-engine.js';
import type { EncodedTask, Task } from './task.js';

const refs = new WeakMap<EncodedTask, Task<unknown[], unknown>>();

/** The Task to hand a foreign executor: the function itself, or one stable TaskRef. */
function taskOf(task: EncodedTask): Task<unknown[], unknown> {
  if (task.local) return task.local;
  let ref = refs.get(task);
  if (!ref) {
    const def = task.def as { url: string; exportName: string };
    ref = Object.freeze({ module: def.url, exportName: def.exportName });
    refs.set(task, ref);
  }
  return ref;
}

export function asRunner(executor: Executor): MapRunner {
  if (executor instanceof ExecutorBase) return executor;
  if (typeof executor !== 'object' || executor === null || typeof executor.submit !== 'function') {
    throw new TypeError('expected an Executor (ThreadPoolExecutor, InlineExecutor, or an object with submit())');
  }
  return {
    parallelism: 1,
    closedError: () => undefined,
    defaultTimeout: undefined,
    runChunk(task: EncodedTask, items: unknown[], options, sink: ChunkSink): ChunkHandle {
      const fn = taskOf(task);
      const futures = items.map((item) => executor.submit(fn, ...argsOf(item, options.spread)));
      const values: unknown[] = new Array(items.length);
      const errors: unknown[] = new Array(items.length);
      let failed = false;
      let left = futures.length;
      futures.forEach((f, i) =>
        f.subscribe({
          next: (v) => (values[i] = v),
          error: (e) => {
            errors[i] = e;
            failed = true;
            if (--left === 0) sink.complete(values, errors, 0);
          },
          complete: () => {
            if (--left === 0) sink.complete(values, failed ? errors : null, 0);
          },
        }),
      );
      if (futures.length === 0) return SETTLED_HANDLE;
      return {
        withdraw: () => futures.map((f) => f.cancel()).every(Boolean),
        started: () => futures.some((f) => f.running()),
        cancel: () => futures.forEach((f) => f.cancel()),
      };
    },
  };
}

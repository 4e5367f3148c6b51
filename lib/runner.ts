/**
 * Lets the map engine and the operators drive any Executor: ours run chunks directly;
 * one written by a user (only the public interface) is driven through submit().
 */
import { argsOf, SETTLED_HANDLE, type ChunkHandle, type ChunkSink } from './chunk.js';
import { ExecutorBase, type Executor } from './executor.js';
import type { MapRunner } from './map-engine.js';
import type { EncodedTask, Task } from './task.js';

export function asRunner(executor: Executor): MapRunner {
  if (executor instanceof ExecutorBase) return executor;
  if (typeof executor !== 'object' || executor === null || typeof executor.submit !== 'function') {
    throw new TypeError('expected an Executor (ThreadPoolExecutor, InlineExecutor, or an object with submit())');
  }
  return {
    parallelism: 1,
    closedError: () => undefined,
    runChunk(task: EncodedTask, items: unknown[], options, sink: ChunkSink): ChunkHandle {
      const fn = (task.local ?? {
        module: (task.def as { url: string }).url,
        exportName: (task.def as { exportName: string }).exportName,
      }) as Task<unknown[], unknown>;
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
        withdraw: () => futures.every((f) => f.cancel()),
        started: () => futures.some((f) => f.running()),
        cancel: () => futures.forEach((f) => f.cancel()),
      };
    },
  };
}

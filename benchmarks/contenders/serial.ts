/** The baseline: the same task functions (or module task exports) called in a plain loop on the main thread. */
import { TASKS, type TaskName } from '../tasks.js';
import type { Contender, ModuleTask, PoolHandle } from '../harness/types.js';

async function open(): Promise<PoolHandle> {
  return {
    async map(task: TaskName, items: readonly number[]): Promise<number[]> {
      const fn = TASKS[task];
      const out = new Array<number>(items.length);
      for (let i = 0; i < items.length; i++) out[i] = fn(items[i]!);
      return out;
    },
    async mapModule(task: ModuleTask, items: readonly unknown[]): Promise<unknown[]> {
      const fn = ((await import(task.file.href)) as Record<string, (x: unknown) => unknown>)[task.name]!;
      const out = new Array<unknown>(items.length);
      for (let i = 0; i < items.length; i++) out[i] = fn(items[i]);
      return out;
    },
    close: async () => undefined,
  };
}

export const serial: Contender = { id: 'serial', label: 'serial (main thread)', family: 'baseline', open };

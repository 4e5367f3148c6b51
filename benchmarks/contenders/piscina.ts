/**
 * piscina 5 contender: `minThreads = maxThreads = workers`, every item `pool.run(x, { name })`
 * at once, then all awaited; a module task is the same with `{ filename, name }`.
 * Cancelling uses an AbortController signal per task.
 */
import { Piscina } from 'piscina';
import { now, sleep, withTimeout } from '../harness/stats.js';
import type { Contender, ModuleTask, PoolHandle } from '../harness/types.js';
import type { TaskName } from '../tasks.js';

const filename = new URL('../workers/module-tasks.js', import.meta.url).href;

async function open(workers: number): Promise<PoolHandle> {
  const pool = new Piscina({ filename, minThreads: workers, maxThreads: workers });
  return {
    map: (task: TaskName, items: readonly number[]) =>
      Promise.all(items.map((x) => pool.run(x, { name: task }) as Promise<number>)),
    mapModule: (task: ModuleTask, items: readonly unknown[]) =>
      Promise.all(items.map((x) => pool.run(x, { filename: task.file.href, name: task.name }) as Promise<unknown>)),
    async cancelLatency(busyMs: number): Promise<number> {
      const ac = new AbortController();
      const busy = [0, 1].map(() => pool.run(busyMs, { name: 'busyFor', signal: ac.signal }).catch(() => undefined));
      await sleep(200);
      const t0 = now();
      ac.abort();
      await withTimeout(pool.run(1, { name: 'inc' }), 30_000, 'trivial task after abort');
      const ms = now() - t0;
      await Promise.all(busy);
      return ms;
    },
    close: () => pool.destroy(),
  };
}

export const piscina: Contender = { id: 'piscina', label: 'piscina 5', family: 'peer', open };

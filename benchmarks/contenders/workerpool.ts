/**
 * workerpool 10 contenders: a pool of `workers` threads (or, `workerpool-process`, child
 * processes) over a worker script, every item `pool.exec(name, [x])` at once, then all
 * awaited. Cancelling uses `promise.cancel()`, which terminates the worker running the task.
 */
import workerpool from 'workerpool';
import { fileURLToPath } from 'node:url';
import { now, sleep, withTimeout } from '../harness/stats.js';
import type { Contender, PoolHandle } from '../harness/types.js';
import type { TaskName } from '../tasks.js';

const script = fileURLToPath(new URL('../workers/workerpool.js', import.meta.url));

async function open(workers: number, workerType: 'thread' | 'process' = 'thread'): Promise<PoolHandle> {
  const pool = workerpool.pool(script, { minWorkers: workers, maxWorkers: workers, workerType });
  const run = (task: TaskName, x: number): Promise<number> =>
    Promise.resolve(pool.exec(task, [x]) as unknown as PromiseLike<number>);
  return {
    map: (task: TaskName, items: readonly number[]) => Promise.all(items.map((x) => run(task, x))),
    async cancelLatency(busyMs: number): Promise<number> {
      const busy = [0, 1].map(() => pool.exec('busyFor', [busyMs]));
      const settled = busy.map((p) =>
        Promise.resolve(p as unknown as PromiseLike<unknown>).then(undefined, () => undefined),
      );
      await sleep(200);
      const t0 = now();
      for (const p of busy) p.cancel();
      await withTimeout(run('inc', 1), 30_000, 'trivial task after cancel');
      const ms = now() - t0;
      await Promise.all(settled);
      return ms;
    },
    close: async () => {
      await pool.terminate();
    },
  };
}

export const workerpoolContender: Contender = { id: 'workerpool', label: 'workerpool 10', family: 'peer', open };
export const workerpoolProcess: Contender = {
  id: 'workerpool-process',
  label: "workerpool 10, workerType 'process'",
  family: 'peer',
  open: (workers) => open(workers, 'process'),
};

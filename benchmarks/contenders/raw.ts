/**
 * The floor: raw `worker_threads` with a hand-written dispatcher that posts every message
 * at once, round-robin over the workers, no queue, no cancellation, no error handling.
 * `raw-1` sends one item per message, `raw-100` 100 items per message (the batched floor).
 */
import { Worker } from 'node:worker_threads';
import { once } from 'node:events';
import type { Contender, PoolHandle } from '../harness/types.js';
import type { TaskName } from '../tasks.js';

const workerUrl = new URL('../workers/raw.js', import.meta.url);

async function open(workers: number, batch: number): Promise<PoolHandle> {
  const pool = Array.from({ length: workers }, () => new Worker(workerUrl));
  await Promise.all(pool.map((w) => once(w, 'online')));
  return {
    map(task: TaskName, items: readonly number[]): Promise<number[]> {
      const out = new Array<number>(items.length);
      let left = items.length;
      if (left === 0) return Promise.resolve(out);
      return new Promise((resolve) => {
        const onMessage = ([id, r]: [number, number | number[]]): void => {
          if (typeof r === 'number') {
            out[id] = r;
            left--;
          } else {
            for (let i = 0; i < r.length; i++) out[id + i] = r[i]!;
            left -= r.length;
          }
          if (left === 0) {
            for (const w of pool) w.off('message', onMessage);
            resolve(out);
          }
        };
        for (const w of pool) w.on('message', onMessage);
        let k = 0;
        for (let i = 0; i < items.length; i += batch, k++) {
          const payload = batch === 1 ? items[i]! : items.slice(i, i + batch);
          pool[k % workers]!.postMessage([i, task, payload]);
        }
      });
    },
    close: async () => {
      await Promise.all(pool.map((w) => w.terminate()));
    },
  };
}

export const raw1: Contender = {
  id: 'raw-1',
  label: 'raw worker_threads, 1 item/msg',
  family: 'floor',
  open: (n) => open(n, 1),
};
export const raw100: Contender = {
  id: 'raw-100',
  label: 'raw worker_threads, 100 items/msg',
  family: 'floor',
  open: (n) => open(n, 100),
};

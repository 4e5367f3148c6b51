/**
 * The dynamic floor: raw `worker_threads` with one shared queue, each worker given the
 * next item as soon as its previous result arrives (one item per message, one message in
 * flight per worker), no cancellation, no error handling. Runs module tasks; the shared
 * tasks are the exports of workers/module-tasks.ts. The fair floor where task times are
 * skewed, which round-robin up front (`raw-1`) is not.
 */
import { Worker } from 'node:worker_threads';
import { once } from 'node:events';
import type { Contender, ModuleTask, PoolHandle } from '../harness/types.js';
import type { TaskName } from '../tasks.js';

const workerUrl = new URL('../workers/raw-queue.js', import.meta.url);
const moduleTasks = new URL('../workers/module-tasks.js', import.meta.url);

async function open(workers: number): Promise<PoolHandle> {
  const pool = Array.from({ length: workers }, () => new Worker(workerUrl));
  await Promise.all(pool.map((w) => once(w, 'online')));
  const mapModule = (task: ModuleTask, items: readonly unknown[]): Promise<unknown[]> => {
    const out = new Array<unknown>(items.length);
    if (items.length === 0) return Promise.resolve(out);
    const file = task.file.href;
    let next = 0;
    let left = items.length;
    return new Promise((resolve) => {
      const feed = (w: Worker): void => {
        if (next < items.length) w.postMessage([next, file, task.name, items[next++]]);
      };
      const listeners = pool.map((w) => {
        const onMessage = ([id, r]: [number, unknown]): void => {
          out[id] = r;
          if (--left === 0) {
            pool.forEach((v, i) => v.off('message', listeners[i]!));
            resolve(out);
          } else feed(w);
        };
        w.on('message', onMessage);
        return onMessage;
      });
      pool.forEach(feed);
    });
  };
  return {
    map: (task: TaskName, items: readonly number[]) =>
      mapModule({ file: moduleTasks, name: task }, items) as Promise<number[]>,
    mapModule,
    close: async () => {
      await Promise.all(pool.map((w) => w.terminate()));
    },
  };
}

export const rawQueue: Contender = {
  id: 'raw-queue',
  label: 'raw worker_threads, shared queue, 1 item/msg',
  family: 'floor',
  open,
};

/**
 * threads.js 1.7 `Pool` contender (2 spawned workers, concurrency 1 each), every item
 * `pool.queue(w => w[task](x))` at once, then all awaited. It is slow when many tasks are
 * queued at once (~450 tasks/s in FINDINGS.md), so scenarios cap its item count and
 * report the rate measured on the subset.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool, spawn, Worker } from 'threads';
import type { Contender, PoolHandle } from '../harness/types.js';
import type { TaskName } from '../tasks.js';

type Api = Record<TaskName, (x: number) => Promise<number>>;

// threads.js resolves a relative path against the directory of the calling file.
const here = path.dirname(fileURLToPath(import.meta.url));
const workerFile = fileURLToPath(new URL('../workers/threads.js', import.meta.url));
const rel = path.relative(here, workerFile);

async function open(workers: number): Promise<PoolHandle> {
  const pool = Pool(() => spawn<Api>(new Worker(rel)), { size: workers, concurrency: 1 });
  return {
    map: (task: TaskName, items: readonly number[]) =>
      Promise.all(items.map((x) => pool.queue((w) => (w as unknown as Api)[task](x)))),
    close: () => pool.terminate(),
  };
}

export const threadsPool: Contender = { id: 'threads-pool', label: 'threads.js Pool', family: 'peer', open };

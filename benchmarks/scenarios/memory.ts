/**
 * Scenario 5, memory: 200,000 items streamed from an infinite generator through a 2-worker
 * pool; the figure is the peak RSS growth over a baseline taken after the pool started and
 * warmed (so worker start-up is not counted). Each run is a fresh child process
 * (memory-child.ts) so runs cannot hide in each other's already-grown heap.
 */
import { fork } from 'node:child_process';
import { withTimeout } from '../harness/stats.js';
import type { Contender, Scenario } from '../harness/types.js';

const child = new URL('./memory-child.js', import.meta.url);

function variant(id: string, label: string, family: Contender['family'], base: string): Contender {
  return {
    id,
    label,
    family,
    base,
    external: (_scenario, items, workers) =>
      withTimeout(
        new Promise((resolve, reject) => {
          const p = fork(child, [id, String(items), String(workers)], { execArgv: ['--expose-gc'], stdio: 'inherit' });
          let got = false;
          p.on('message', (m: { growthMB?: number; ms?: number; error?: string }) => {
            got = true;
            if (m.error) reject(new Error(m.error));
            else resolve({ items, value: m.growthMB!, startMs: undefined });
          });
          p.on('exit', (code) => {
            if (!got) reject(new Error(`memory child ${id} exited ${code} without a result`));
          });
          p.on('error', reject);
        }),
        600_000,
        `memory ${id}`,
      ),
  };
}

export const memory: Scenario = {
  id: 'memory',
  title: 'Memory: 200,000 items from an infinite generator',
  description:
    'Peak RSS growth (MB, lower is better) while 200,000 `inc` results are consumed from an infinite source, ' +
    'sampled every 2 ms, over a baseline taken after pool start, warm-up and GC. One child process per run.',
  metric: 'memory',
  contenders: ['rf-map-1', 'rf-map-auto', 'rf-pmap-range', 'piscina-pull', 'serial-gen'],
  own: [
    variant(
      'rf-map-1',
      'rxjs-futures executor.map(inc, naturals(), { chunksize: 1 }).pipe(take(N))',
      'rxjs-futures',
      'rf-pmap-1',
    ),
    variant(
      'rf-map-auto',
      "rxjs-futures executor.map(inc, naturals()).pipe(take(N)) (chunksize 'auto')",
      'rxjs-futures',
      'rf-pmap-auto',
    ),
    variant('rf-pmap-range', 'rxjs-futures range(0, N).pipe(parallelMap(inc))', 'rxjs-futures', 'rf-pmap-auto'),
    variant('piscina-pull', 'piscina, generator pulled by 8 lanes awaiting run()', 'peer', 'piscina'),
    { ...variant('serial', 'serial: generator + loop on the main thread', 'baseline', 'serial'), id: 'serial-gen' },
  ],
  notes: [
    '`parallelMap` cannot take an infinite *synchronous* Observable (`from(generator)` pushes forever before any task returns), so it is measured over `range(0, N)`; the lazy pull from an infinite generator is `executor.map`.',
  ],
  async prepare() {},
  runOnce: (c, ctx) => c.external!('memory', ctx.quick ? 50_000 : 200_000, ctx.workers),
};

/**
 * Scenario 6, cancel: on a 2-worker pool, 2 tasks busy-loop for 10 s; they are cancelled
 * once running (rxjs-futures: unsubscribing the `parallelMap`; piscina and tinypool: an
 * AbortController signal; workerpool: `promise.cancel()`), and the figure is the time from
 * cancelling to the result of the next trivial task, i.e. how soon the CPU is usable again.
 */
import { withTimeout } from '../harness/stats.js';
import type { Scenario } from '../harness/types.js';

const BUSY_MS = 10_000;

export const cancel: Scenario = {
  id: 'cancel',
  title: 'Cancel: unsubscribe 2 busy tasks, then one trivial task',
  description:
    `Two \`busyFor(${BUSY_MS})\` tasks fill both workers; once they run, they are cancelled and \`inc(1)\` is submitted. ` +
    'Figure: ms from cancelling to its result (lower is better). Each peer terminates and respawns the worker.',
  metric: 'latency',
  contenders: ['rf-pmap-1', 'piscina', 'tinypool', 'workerpool'],
  notes: [
    'rxjs-futures: `from([10000, 10000]).pipe(parallelMap(busyFor, { executor, chunksize: 1 })).subscribe()`, then `unsubscribe()` once `stats().running === 2`.',
  ],
  async prepare() {},
  async runOnce(c, ctx) {
    const pool = await c.open!(ctx.workers);
    try {
      await withTimeout(pool.map('inc', [0, 1, 2, 3]), 30_000, `${c.id} warm-up`);
      if (!pool.cancelLatency) throw new Error(`${c.id} has no cancellation`);
      return { items: 1, value: await withTimeout(pool.cancelLatency(BUSY_MS), 60_000, `${c.id} cancel`) };
    } finally {
      await pool.close();
    }
  },
};

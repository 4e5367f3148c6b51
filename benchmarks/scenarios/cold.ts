/**
 * Scenario 7, cold start: time from constructing a new executor/pool (2 workers) to the
 * result of its first trivial task, then shut down. Includes worker spawn and the first
 * module load / task compilation. Python: ProcessPoolExecutor(2) to the first
 * submit().result(), interpreter start-up excluded.
 */
import { now, withTimeout } from '../harness/stats.js';
import type { Scenario } from '../harness/types.js';

export const cold: Scenario = {
  id: 'cold',
  title: 'Cold start: first result from a new pool',
  description:
    'ms from `new Pool(...)` to the result of one `inc(1)` (lower is better); the pool is shut down after each run.',
  metric: 'latency',
  contenders: [
    'rf-submit',
    'rfp-submit',
    'piscina',
    'tinypool',
    'workerpool',
    'workerpool-process',
    'threads-pool',
    'raw-1',
    'python',
  ],
  notes: [
    'rxjs-futures and workerpool start workers lazily, piscina and tinypool (minThreads 2) and raw at construction.',
  ],
  async prepare() {},
  async runOnce(c, ctx) {
    if (c.external) return c.external('cold', 1, ctx.workers);
    const t0 = now();
    const pool = await c.open!(ctx.workers);
    try {
      const [r] = await withTimeout(pool.map('inc', [1]), 30_000, `${c.id} first task`);
      const ms = now() - t0;
      if (r !== 2) throw new Error(`${c.id}: inc(1) gave ${r}`);
      return { items: 1, value: ms };
    } finally {
      await pool.close();
    }
  },
};

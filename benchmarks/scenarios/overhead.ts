/**
 * Scenario 1, overhead: 20,000 trivial tasks `x => x + 1` on a warm pool of 2 workers,
 * all handed to the pool at once. Measures the per-task cost of each pool: dispatch,
 * messaging, result delivery. Python's ProcessPoolExecutor takes part here only.
 */
import { POOLS, PROCESS_POOLS, throughputScenario } from './throughput.js';

export const overhead = throughputScenario({
  id: 'overhead',
  title: 'Overhead: 20,000 trivial tasks',
  description:
    'N tasks `inc(x) = x + 1` on a started, warmed pool; time from handing over all N to the last result, ' +
    'results checked in input order. "total" adds pool start (to the first warm-up results) and shutdown.',
  contenders: [...POOLS, ...PROCESS_POOLS, 'threads-pool', 'raw-1', 'raw-100', 'serial', 'python'],
  caps: (ctx) => ({ 'threads-pool': ctx.quick ? 300 : 1000 }),
  notes: [
    'threads.js Pool is capped (see "items"): it slows down with every queued task, ~450 tasks/s with 20,000 queued; its rate is measured on the subset.',
    'Python: ProcessPoolExecutor(2).map(inc, range(N)) with the default chunksize 1 in a python3 subprocess that times itself (interpreter start-up excluded).',
  ],
  build: (ctx) => ({
    task: 'inc',
    items: Array.from({ length: ctx.quick ? 5000 : 20_000 }, (_, i) => i),
    warm: [0, 1, 2, 3],
  }),
});

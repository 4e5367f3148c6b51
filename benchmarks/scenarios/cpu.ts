/**
 * Scenario 2, CPU-bound: 200 tasks of ~5 ms each (the `spin` busy loop, calibrated once on
 * the main thread) on 2 workers. Measures how close each pool gets to 2× serial.
 */
import { POOLS, PROCESS_POOLS, throughputScenario } from './throughput.js';

export const cpu = throughputScenario({
  id: 'cpu',
  title: 'CPU-bound: 200 tasks of ~5 ms',
  description:
    'N tasks `spin(n)` where n is calibrated so one call takes ~5 ms on the main thread (the same function ' +
    'and items for every contender); the "×serial" column is the speedup.',
  contenders: [...POOLS, ...PROCESS_POOLS, 'threads-pool', 'raw-1', 'serial'],
  notes: [
    'raw-1 assigns items round-robin up front (static scheduling).',
    'Python is not run: its loop would not be the same work.',
  ],
  build: (ctx) => ({
    task: 'spin',
    items: Array.from({ length: ctx.quick ? 50 : 200 }, (_, i) => ctx.spin5ms + (i & 63)),
    warm: [1000, 1001, 1002, 1003],
  }),
});

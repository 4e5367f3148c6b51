/**
 * Scenario 3, tiny tasks: 200,000 tasks of ~2 µs (`spin`, calibrated). Per-message cost
 * dominates; only batching can beat the main thread. Pools that send one message per
 * task are capped at 20,000 items (rate measured on the subset) to keep the run short.
 */
import { POOLS, throughputScenario } from './throughput.js';

export const tiny = throughputScenario({
  id: 'tiny',
  title: 'Tiny: 200,000 tasks of ~2 µs',
  description: 'N tasks `spin(n)` with n calibrated to ~2 µs per call on the main thread.',
  contenders: [...POOLS, 'raw-1', 'raw-100', 'serial'],
  caps: (ctx) => {
    const cap = ctx.quick ? 5000 : 20_000;
    return { 'rf-pmap-1': cap, 'rf-submit': cap, piscina: cap, tinypool: cap, workerpool: cap };
  },
  notes: [
    'One-message-per-task contenders (rxjs-futures chunksize 1 and submit, piscina, tinypool, workerpool) run a capped prefix (see "items"); their rate is measured on it.',
    'threads.js Pool and Python are not run (see the overhead scenario).',
  ],
  build: (ctx) => ({
    task: 'spin',
    items: Array.from({ length: ctx.quick ? 40_000 : 200_000 }, (_, i) => ctx.spin2us + (i & 63)),
    warm: [10, 11, 12, 13],
  }),
});

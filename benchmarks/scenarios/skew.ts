/**
 * Scenario 4, skew: ordered output when the FIRST task is slow (~250 ms) and 1,000 others
 * take ~1 ms. An ordered consumer cannot emit anything before the head is done; a pool that
 * keeps the other worker busy meanwhile finishes near (250 + 1000) / 2 ms. Measures what a
 * bounded window (rxjs-futures) or static assignment (raw) costs against unbounded queues.
 */
import { POOLS, throughputScenario } from './throughput.js';

export const skew = throughputScenario({
  id: 'skew',
  title: 'Skew: ordered output, one slow head task',
  description:
    'Task 0 is `spin` of ~250 ms, tasks 1..1000 are `spin` of ~1 ms (calibrated); results collected in input order. ' +
    'The ideal on 2 workers is about (250 + 1000) / 2 = 625 ms (--quick: 100 ms head, 200 tasks, ideal ~150 ms).',
  contenders: [...POOLS, 'raw-1', 'serial'],
  notes: ["raw-1 assigns items round-robin up front, so the head's worker also gets half of the rest."],
  build: (ctx) => {
    const n = ctx.quick ? 200 : 1000;
    const head = ctx.spin5ms * (ctx.quick ? 20 : 50);
    const ms1 = Math.round(ctx.spin5ms / 5);
    return {
      task: 'spin',
      items: [head, ...Array.from({ length: n }, (_, i) => ms1 + (i & 63))],
      warm: [1000, 1001, 1002, 1003],
    };
  },
});

/**
 * The shared shape of the throughput scenarios (overhead, CPU-bound, tiny, skew): one run
 * starts a fresh pool of `ctx.workers` and warms it (start time = to the warm-up results),
 * times `map(task, items)` to the last result (the figure reported as tasks/s), checks
 * every result against the serial answer, then times the shutdown.
 */
import { TASKS, type TaskName } from '../tasks.js';
import { now, withTimeout } from '../harness/stats.js';

/** The contenders every throughput scenario runs: rxjs-futures in its three modes and the peer pools. */
export const POOLS = ['rf-pmap-1', 'rf-pmap-auto', 'rf-submit', 'piscina', 'tinypool', 'workerpool'];
import type { Contender, Ctx, Sample, Scenario } from '../harness/types.js';

export interface Workload {
  task: TaskName;
  items: number[];
  /** A few small items run before timing, so every worker has started and compiled. */
  warm: number[];
}

export interface ThroughputSpec {
  id: string;
  title: string;
  description: string;
  contenders: string[];
  caps?: (ctx: Ctx) => Record<string, number>;
  notes?: string[];
  build(ctx: Ctx): Workload;
}

export async function runThroughput(
  c: Contender,
  ctx: Ctx,
  scenario: string,
  w: Workload,
  expected: readonly number[],
  cap?: number,
): Promise<Sample> {
  const items = cap !== undefined && cap < w.items.length ? w.items.slice(0, cap) : w.items;
  if (c.external) return c.external(scenario, items.length, ctx.workers);
  if (!c.open) throw new Error(`${c.id} cannot run in-process`);
  const t0 = now();
  const pool = await c.open(ctx.workers);
  let closed = false;
  try {
    await withTimeout(pool.map(w.task, w.warm), 60_000, `${c.id} warm-up`);
    const t1 = now();
    // Then every worker up, whether the pool starts them at construction or lazily (at
    // first use, as rxjs-futures and workerpool do): 2 × workers tasks of 30 ms each.
    // Not timed: the rate below is that of a fully started pool.
    await withTimeout(pool.map('busyFor', Array(2 * ctx.workers).fill(30)), 60_000, `${c.id} start-up`);
    const tRun = now();
    const out = await withTimeout(pool.map(w.task, items), 600_000, `${c.id} map`);
    const t2 = now();
    check(c.id, out, expected, items.length);
    const t3 = now();
    closed = true;
    await withTimeout(pool.close(), 30_000, `${c.id} shutdown`);
    return { items: items.length, value: t2 - tRun, startMs: t1 - t0, closeMs: now() - t3 };
  } finally {
    if (!closed) await pool.close().catch(() => undefined);
  }
}

function check(id: string, out: readonly number[], expected: readonly number[], n: number): void {
  if (out.length !== n) throw new Error(`${id}: ${out.length} results for ${n} items`);
  for (let i = 0; i < n; i++)
    if (out[i] !== expected[i]) throw new Error(`${id}: result ${i} is ${out[i]}, expected ${expected[i]}`);
}

export function throughputScenario(spec: ThroughputSpec): Scenario {
  let work: Workload | undefined;
  let expected: number[] = [];
  let caps: Record<string, number> = {};
  const scenario: Scenario = {
    id: spec.id,
    title: spec.title,
    description: spec.description,
    metric: 'throughput',
    contenders: spec.contenders,
    notes: spec.notes,
    async prepare(ctx) {
      work = spec.build(ctx);
      const fn = TASKS[work.task];
      expected = work.items.map((x) => fn(x));
      caps = spec.caps?.(ctx) ?? {};
      scenario.caps = caps;
    },
    runOnce: (c, ctx) => runThroughput(c, ctx, spec.id, work!, expected, caps[c.id]),
  };
  return scenario;
}

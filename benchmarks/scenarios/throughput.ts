/**
 * The shared shape of the throughput scenarios (overhead, CPU-bound, tiny, skew, markdown):
 * one run starts a fresh pool of `ctx.workers` and warms it (start time = to the warm-up
 * results), times `map(task, items)` to the last result (the figure reported as tasks/s),
 * checks every result against the serial answer, then times the shutdown. A task is one of
 * the shared inline tasks or a module task (`mapModule`).
 */
import { TASKS, type TaskName } from '../tasks.js';
import { now, withTimeout } from '../harness/stats.js';

/** The contenders every throughput scenario runs: rxjs-futures in its three modes and the peer pools. */
export const POOLS = ['rf-pmap-1', 'rf-pmap-auto', 'rf-submit', 'piscina', 'tinypool', 'workerpool'];
/** Child-process pools: rxjs-futures' ProcessPoolExecutor and workerpool's process mode (the only peer that has one). */
export const PROCESS_POOLS = ['rfp-pmap-1', 'rfp-pmap-auto', 'rfp-submit', 'workerpool-process'];
import type { Contender, Ctx, ModuleTask, PoolHandle, Sample, Scenario } from '../harness/types.js';

/** What a workload runs: a shared task by name (numbers in and out), or a module task. */
export type WorkTask = TaskName | ModuleTask;

export interface Workload {
  task: WorkTask;
  items: unknown[];
  /** A few small items run before timing, so every worker has started and compiled. */
  warm: unknown[];
  /** Run after the warm-up to start every worker; default 2 × workers `busyFor(30)`. */
  startup?: { task: WorkTask; items: unknown[] };
}

function mapOn(c: Contender, pool: PoolHandle, task: WorkTask, items: readonly unknown[]): Promise<unknown[]> {
  if (typeof task === 'string') return pool.map(task, items as number[]);
  if (!pool.mapModule) throw new Error(`${c.id} cannot run module tasks`);
  return pool.mapModule(task, items);
}

async function serialFn(task: WorkTask): Promise<(x: unknown) => unknown> {
  if (typeof task === 'string') return TASKS[task] as (x: unknown) => unknown;
  return ((await import(task.file.href)) as Record<string, (x: unknown) => unknown>)[task.name]!;
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
  expected: readonly unknown[],
  cap?: number,
): Promise<Sample> {
  const items = cap !== undefined && cap < w.items.length ? w.items.slice(0, cap) : w.items;
  if (c.external) return c.external(scenario, items.length, ctx.workers);
  if (!c.open) throw new Error(`${c.id} cannot run in-process`);
  const t0 = now();
  const pool = await c.open(ctx.workers);
  let closed = false;
  try {
    await withTimeout(mapOn(c, pool, w.task, w.warm), 60_000, `${c.id} warm-up`);
    const t1 = now();
    // Then every worker up, whether the pool starts them at construction or lazily (at
    // first use, as rxjs-futures and workerpool do): 2 × workers tasks of 30 ms each.
    // Not timed: the rate below is that of a fully started pool.
    const up = w.startup ?? { task: 'busyFor', items: Array(2 * ctx.workers).fill(30) };
    await withTimeout(mapOn(c, pool, up.task, up.items), 60_000, `${c.id} start-up`);
    const tRun = now();
    const out = await withTimeout(mapOn(c, pool, w.task, items), 600_000, `${c.id} map`);
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

function check(id: string, out: readonly unknown[], expected: readonly unknown[], n: number): void {
  if (out.length !== n) throw new Error(`${id}: ${out.length} results for ${n} items`);
  for (let i = 0; i < n; i++)
    if (out[i] !== expected[i]) throw new Error(`${id}: result ${i} is ${out[i]}, expected ${expected[i]}`);
}

export function throughputScenario(spec: ThroughputSpec): Scenario {
  let work: Workload | undefined;
  let expected: unknown[] = [];
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
      const fn = await serialFn(work.task);
      expected = work.items.map((x) => fn(x));
      caps = spec.caps?.(ctx) ?? {};
      scenario.caps = caps;
    },
    runOnce: (c, ctx) => runThroughput(c, ctx, spec.id, work!, expected, caps[c.id]),
  };
  return scenario;
}

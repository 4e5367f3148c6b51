/**
 * Soak run of issue 4: N small tasks (default 1,000,000) through parallelMap, with the
 * host's heap measured after a forced GC before and after the run.
 *
 *   node --expose-gc dist/spec/soak/soak.js [--items N] [--workers W] [--json]
 *
 * "before" is taken after a warm-up run (workers started, code paths compiled), so the
 * difference shows what the run itself left behind.
 */
import { pathToFileURL } from 'node:url';
import { range, reduce, lastValueFrom } from 'rxjs';
import { ThreadPoolExecutor, parallelMap } from '../../lib/index.js';

export interface SoakReport {
  items: number;
  workers: number;
  heapBefore: number;
  heapAfter: number;
  heapDelta: number;
  heapPeak: number;
  sum: number;
  expectedSum: number;
  ms: number;
  stats: ReturnType<ThreadPoolExecutor['stats']>;
}

const gc = (globalThis as { gc?: () => void }).gc;

async function settledHeap(): Promise<number> {
  // Several rounds: let finalizers, timers and pending microtasks run between collections.
  for (let i = 0; i < 6; i++) {
    gc!();
    await new Promise((r) => setTimeout(r, 20));
  }
  return process.memoryUsage().heapUsed;
}

/** Sum of x + 1 over 0..n-1, computed by the workers; nothing is kept per item. */
async function run(ex: ThreadPoolExecutor, n: number, onSample?: () => void): Promise<number> {
  let count = 0;
  return lastValueFrom(
    range(0, n).pipe(
      parallelMap((x: number) => x + 1, { executor: ex }),
      reduce((acc, v) => {
        if (++count % 50_000 === 0) onSample?.();
        return acc + v;
      }, 0),
    ),
  );
}

export async function soak(items: number, workers = 2): Promise<SoakReport> {
  if (!gc) throw new Error('run node with --expose-gc');
  const ex = new ThreadPoolExecutor({ maxWorkers: workers, idleTimeout: 60_000 });
  await run(ex, 20_000); // warm-up
  const heapBefore = await settledHeap();
  let heapPeak = heapBefore;
  const t0 = performance.now();
  const sum = await run(ex, items, () => {
    heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
  });
  const ms = performance.now() - t0;
  const stats = ex.stats();
  const heapAfter = await settledHeap();
  await ex.shutdown();
  return {
    items,
    workers,
    heapBefore,
    heapAfter,
    heapDelta: heapAfter - heapBefore,
    heapPeak,
    sum,
    expectedSum: (items * (items + 1)) / 2,
    ms: Math.round(ms),
    stats,
  };
}

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const items = Number(argValue('--items') ?? 1_000_000);
  const workers = Number(argValue('--workers') ?? 2);
  const r = await soak(items, workers);
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify(r));
  } else {
    const mb = (b: number) => `${(b / 1024 / 1024).toFixed(2)} MB`;
    console.log(
      `soak: ${r.items} tasks on ${r.workers} workers in ${r.ms} ms (${Math.round((r.items / r.ms) * 1000)} tasks/s)`,
    );
    console.log(
      `  heap used before ${mb(r.heapBefore)}, after ${mb(r.heapAfter)} (delta ${mb(r.heapDelta)}), peak during run ${mb(r.heapPeak)}`,
    );
    console.log(`  sum ${r.sum} (expected ${r.expectedSum}) ${r.sum === r.expectedSum ? 'OK' : 'WRONG'}`);
    console.log(`  stats ${JSON.stringify(r.stats)}`);
  }
  process.exitCode = r.sum === r.expectedSum ? 0 : 1;
}

/**
 * Child process of the memory scenario (forked with --expose-gc, one per run). Starts a
 * pool, warms it, collects garbage, takes the RSS baseline, then streams COUNT items of
 * `inc` while sampling `process.memoryUsage().rss` every 2 ms; replies with the peak growth.
 * Variants: rf-map-1 / rf-map-auto (`executor.map` over an infinite generator),
 * rf-pmap-range (`range(0, COUNT).pipe(parallelMap(inc))`), piscina-pull (an infinite
 * generator pulled by 4 × workers lanes awaiting `pool.run`), serial (generator + loop).
 */
import { lastValueFrom, range, reduce, take } from 'rxjs';
import { inc } from '../tasks.js';

const [variant = '', countArg = '0', workersArg = '2'] = process.argv.slice(2);
const COUNT = Number(countArg);
const WORKERS = Number(workersArg);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

function* naturals(): Generator<number> {
  for (let i = 0; ; i++) yield i;
}

let peak = 0;
const sample = (): void => {
  const rss = process.memoryUsage().rss;
  if (rss > peak) peak = rss;
};

type Run = { run: () => Promise<number>; close: () => Promise<void> };

async function setup(): Promise<Run> {
  if (variant.startsWith('rf-')) {
    const { ThreadPoolExecutor, parallelMap } = await import('../../lib/index.js');
    const executor = new ThreadPoolExecutor({ maxWorkers: WORKERS });
    await Promise.all([1, 2, 3, 4].map((x) => executor.submit(inc, x)));
    const sum = reduce((a: number, b: number) => a + b, 0);
    const run = (): Promise<number> =>
      variant === 'rf-pmap-range'
        ? lastValueFrom(range(0, COUNT).pipe(parallelMap(inc, { executor }), sum))
        : lastValueFrom(
            executor.map(inc, naturals(), { chunksize: variant === 'rf-map-1' ? 1 : 'auto' }).pipe(take(COUNT), sum),
          );
    return { run, close: () => executor.shutdown() };
  }
  if (variant === 'piscina-pull') {
    const { Piscina } = await import('piscina');
    const filename = new URL('../workers/module-tasks.js', import.meta.url).href;
    const pool = new Piscina({ filename, minThreads: WORKERS, maxThreads: WORKERS });
    await Promise.all([1, 2, 3, 4].map((x) => pool.run(x)));
    const run = async (): Promise<number> => {
      const it = naturals();
      let taken = 0;
      let total = 0;
      const lane = async (): Promise<void> => {
        while (taken < COUNT) {
          taken++;
          const r = (await pool.run(it.next().value, { name: 'inc' })) as number;
          total += r;
        }
      };
      await Promise.all(Array.from({ length: 4 * WORKERS }, lane));
      return total;
    };
    return { run, close: () => pool.destroy() };
  }
  if (variant === 'serial') {
    const run = async (): Promise<number> => {
      let total = 0;
      let k = 0;
      for (const x of naturals()) {
        if (k++ === COUNT) break;
        total += inc(x);
        if ((k & 1023) === 0) sample();
      }
      return total;
    };
    return { run, close: async () => undefined };
  }
  throw new Error(`unknown variant ${variant}`);
}

async function main(): Promise<void> {
  const r = await setup();
  gc();
  gc();
  const base = process.memoryUsage().rss;
  peak = base;
  const timer = setInterval(sample, 2);
  const t0 = performance.now();
  const total = await r.run();
  const ms = performance.now() - t0;
  sample();
  clearInterval(timer);
  await r.close();
  const want = (COUNT * (COUNT + 1)) / 2;
  if (total !== want) throw new Error(`${variant}: sum ${total}, expected ${want}`);
  process.send!({ growthMB: (peak - base) / 2 ** 20, baseMB: base / 2 ** 20, ms });
}

main().catch((e: unknown) => {
  process.send!({ error: e instanceof Error ? e.message : String(e) });
});

/**
 * The browser benchmark page (run by benchmarks/browser/run.ts in headless Chromium, on an
 * isolated and a plain page). CPU-bound: 48 tasks of ~20 ms, serial on the page's thread
 * against parallelMap on 2 web workers, interleaved rounds. Per chunk: 2,000 trivial tasks
 * with chunksize 1, the wall time per chunk (a round trip, plus the claim message where
 * the page is not cross-origin isolated).
 */
import { from, lastValueFrom, toArray } from 'rxjs';
import { parallelMap, task, ThreadPoolExecutor } from 'rxjs-futures';
import { spin } from './tasks.js';

const web = globalThis as unknown as {
  __done(v: unknown): void;
  __fail(m: string): void;
  crossOriginIsolated: boolean;
};
const url = new URL('./tasks.js', import.meta.url);
const spinTask = task<typeof spin>(url, 'spin');
const incTask = task<(x: number) => number>(url, 'inc');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

interface RawWorker {
  postMessage(m: unknown): void;
  onmessage: ((e: { data: unknown }) => void) | null;
  terminate(): void;
}
const WorkerCtor = (globalThis as unknown as { Worker: new (u: string, o: object) => RawWorker }).Worker;

/** The floor: two bare module workers, each handed the next task when it answers (no library). */
async function rawPool(items: number[]): Promise<number> {
  const code = `import { spin } from '${url.href}'; onmessage = (e) => postMessage(spin(e.data));`;
  const blob = URL.createObjectURL(new Blob([code], { type: 'text/javascript' }));
  const workers = [0, 1].map(() => new WorkerCtor(blob, { type: 'module' }));
  const run = (list: number[]) =>
    Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve) => {
            const next = () => (list.length ? w.postMessage(list.shift()) : resolve());
            w.onmessage = next;
            next();
          }),
      ),
    );
  await run(items.slice(0, 8)); // warm
  const t0 = performance.now();
  await run([...items]);
  const ms = performance.now() - t0;
  workers.forEach((w) => w.terminate());
  return ms;
}

async function main() {
  // Calibrate: iterations for ~20 ms on this thread.
  let iterations = 1_000_000;
  for (;;) {
    const t = performance.now();
    spin(iterations);
    const ms = performance.now() - t;
    if (ms > 50) break;
    iterations *= 2;
  }
  const t = performance.now();
  spin(iterations);
  iterations = Math.round((iterations * 20) / (performance.now() - t));

  const ex = new ThreadPoolExecutor({ maxWorkers: 2 });
  const items = Array.from({ length: 48 }, () => iterations);
  await lastValueFrom(from(items.slice(0, 8)).pipe(parallelMap(spinTask, { executor: ex }), toArray())); // warm
  const serial: number[] = [];
  const pool: number[] = [];
  const raw: number[] = [];
  for (let round = 0; round < 5; round++) {
    let t0 = performance.now();
    items.forEach((n) => spin(n));
    serial.push(performance.now() - t0);
    t0 = performance.now();
    await lastValueFrom(from(items).pipe(parallelMap(spinTask, { executor: ex }), toArray()));
    pool.push(performance.now() - t0);
    raw.push(await rawPool(items));
  }

  const trivial = Array.from({ length: 2000 }, (_, i) => i);
  await lastValueFrom(from(trivial).pipe(parallelMap(incTask, { executor: ex, chunksize: 1 }), toArray()));
  const perChunk: number[] = [];
  for (let round = 0; round < 5; round++) {
    const t0 = performance.now();
    await lastValueFrom(from(trivial).pipe(parallelMap(incTask, { executor: ex, chunksize: 1 }), toArray()));
    perChunk.push(((performance.now() - t0) * 1000) / trivial.length);
  }
  await ex.shutdown();
  return {
    crossOriginIsolated: web.crossOriginIsolated,
    taskMs: 20,
    tasks: items.length,
    serialMs: median(serial),
    poolMs: median(pool),
    speedup: median(serial) / median(pool),
    rawMs: median(raw),
    rawSpeedup: median(serial) / median(raw),
    perChunkUs: median(perChunk),
  };
}

main().then(web.__done, (e: unknown) => web.__fail(String((e as Error)?.stack ?? e)));

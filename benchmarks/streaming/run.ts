/**
 * `npm run bench:streaming`: what the issue on tasks that stream and stop asks to show, on
 * one machine in one run (medians of interleaved rounds), written to
 * benchmarks/results/streaming.md:
 * - cooperative cancel: unsubscribe a task that listens to its signal, time to the next
 *   trivial result (its worker is kept), against a task that cannot listen (terminate +
 *   respawn);
 * - streaming throughput of small values from one task: fromTaskStream against threads.js's
 *   own Observable streaming (spawn + a worker returning an Observable), same values;
 * - memory: an infinite generator consumed by a slow subscriber for 10 s (RSS growth), in a fresh
 *   process each, after 2 s of the same consumption.
 */
import { spawn as spawnProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { from, lastValueFrom, takeWhile, tap, type Observable } from 'rxjs';
import { spawn, Thread, Worker } from 'threads';
import { fromTask, fromTaskStream, task, ThreadPoolExecutor } from '../../lib/index.js';
import type * as Tasks from '../workers/stream-tasks.js';
import { machine } from '../harness/machine.js';
import { resultsDir } from '../harness/paths.js';
import { calibrateSpin } from '../harness/stats.js';
import { spin } from '../tasks.js';

const quick = process.argv.includes('--quick');
const ROUNDS = quick ? 3 : 7;
const VALUES = quick ? 200_000 : 1_000_000;
const MEMORY_MS = quick ? 3_000 : 10_000;
/** The young-generation cap of the variant that shows where the growth is. */
const YOUNG_MB = 8;
/** The same consumption before the memory baseline is taken (see memory()). */
const WARM_MS = quick ? 1_000 : 2_000;

const tasksUrl = new URL('../workers/stream-tasks.js', import.meta.url);
const count = task<typeof Tasks.count>(tasksUrl, 'count');
const forever = task<typeof Tasks.forever>(tasksUrl, 'forever');
const untilAborted = task<typeof Tasks.untilAborted>(tasksUrl, 'untilAborted');
const inc = task<typeof Tasks.inc>(tasksUrl, 'inc');
const spinForever = (): never => {
  for (;;);
};

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * On a 1-worker pool (the next task must run where the stopped one ran): subscribes `fn`
 * once, unsubscribes 50 ms into it, and times the next trivial result.
 */
async function cancelToNext(ex: ThreadPoolExecutor, fn: typeof untilAborted): Promise<number> {
  const sub = fromTask(ex, fn).subscribe({ error: () => {} });
  while (ex.stats().running < 1) await sleep(1);
  await sleep(50);
  const t0 = performance.now();
  sub.unsubscribe();
  await ex.submit(inc, 1);
  return performance.now() - t0;
}

async function rfStream(ex: ThreadPoolExecutor): Promise<number> {
  const t0 = performance.now();
  let n = 0;
  await lastValueFrom(fromTaskStream(ex, count, VALUES).pipe(tap(() => n++)));
  if (n !== VALUES) throw new Error(`rxjs-futures streamed ${n} values, not ${VALUES}`);
  return performance.now() - t0;
}

type CountApi = { count(n: number): import('threads/observable').Observable<number> };
/** Values threads.js delivered in the last round (it has lost the last one here). */
let threadsReceived = 0;
async function threadsStream(worker: CountApi): Promise<number> {
  const t0 = performance.now();
  let n = 0;
  await new Promise<void>((resolve, reject) =>
    worker.count(VALUES).subscribe({ next: () => void n++, error: reject, complete: () => resolve() }),
  );
  threadsReceived = n;
  return performance.now() - t0;
}

/** The same values from a generator on the main thread, through the same subscriber: the floor. */
async function* hostForever(): AsyncGenerator<{ i: number; text: string }> {
  for (let i = 0; ; i++) yield { i, text: `line ${i}: the quick brown fox jumps over the lazy dog` };
}

interface Growth {
  /** Peak RSS growth over the measured MEMORY_MS, from a baseline taken after WARM_MS of the same consumption. */
  growthMB: number;
  /** The same peak, from a baseline taken right after a forced GC, before the warm-up (V8 then regrows its young generation). */
  coldMB: number;
  values: number;
}

/**
 * Peak RSS growth while a slow subscriber (50 µs of `spin` per value, allocating nothing) consumes `source()`.
 * One subscription: WARM_MS first, then the MEMORY_MS measured. A forced GC shrinks V8's
 * young generation, which then grows back to its working size under any allocation: that
 * is heap sizing, not values held, so the growth that shows whether memory stays bounded is
 * measured from the end of the warm-up; the figure from the GC is reported too.
 */
async function memory(source: () => Observable<{ i: number }>): Promise<Growth> {
  // The work allocates nothing (a loop polling performance.now() boxes a number per call),
  // so the growth is the stream's, not garbage of the subscriber's own.
  const work = calibrateSpin(0.05);
  let sink = 0;
  global.gc?.();
  const cold = process.memoryUsage().rss;
  let base = 0;
  let peak = 0;
  let values = 0;
  const t0 = performance.now();
  const warmEnd = t0 + WARM_MS;
  const end = warmEnd + MEMORY_MS;
  await lastValueFrom(
    source().pipe(
      tap(() => {
        values++;
        sink ^= spin(work); // a slow subscriber: 50 µs of work per value
        if (values % 1000 !== 0) return;
        const rss = process.memoryUsage().rss;
        if (performance.now() < warmEnd) return;
        if (base === 0) base = peak = rss;
        peak = Math.max(peak, rss);
      }),
      takeWhile(() => performance.now() < end),
    ),
  );
  // (sink === -1 never holds: it only keeps the work's result alive for the JIT.)
  return { growthMB: (peak - base) / 2 ** 20, coldMB: (peak - cold) / 2 ** 20, values: values + (sink === -1 ? 1 : 0) };
}

/** Runs one memory measurement in a fresh process (no heap left over from the rounds above). */
async function inChild(what: 'pool' | 'pool-young-8' | 'floor'): Promise<Growth> {
  const child = spawnProcess(
    process.execPath,
    ['--expose-gc', fileURLToPath(import.meta.url), '--memory', what, ...(quick ? ['--quick'] : [])],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`memory child (${what}) exited with ${code}`);
  return JSON.parse(out.trim().split('\n').at(-1)!) as Growth;
}

/**
 * The child's side: `--memory pool` streams from a worker, `--memory pool-young-8` from a
 * worker whose young generation is capped at 8 MB, `--memory floor` from the main thread.
 */
async function memoryChild(what: string): Promise<void> {
  if (what === 'floor') {
    console.log(JSON.stringify(await memory(() => from(hostForever()))));
    return;
  }
  const young = what === 'pool-young-8' ? { resourceLimits: { maxYoungGenerationSizeMb: YOUNG_MB } } : {};
  const ex = new ThreadPoolExecutor({ maxWorkers: 2, minWorkers: 2, ...young });
  await ex.submit(inc, 1); // started, with the task module imported
  console.log(JSON.stringify(await memory(() => fromTaskStream(ex, forever))));
  await ex.shutdown();
}

async function main(): Promise<void> {
  const ex = new ThreadPoolExecutor({ maxWorkers: 2, minWorkers: 2 });
  await Promise.all([ex.submit(inc, 1), ex.submit(inc, 2)]);
  const one = new ThreadPoolExecutor({ maxWorkers: 1, minWorkers: 1 });
  await one.submit(inc, 1); // started, with the task module imported
  const here = path.dirname(fileURLToPath(import.meta.url));
  const rel = path.relative(here, fileURLToPath(new URL('../workers/threads-stream.js', import.meta.url)));
  const threadsWorker = await spawn<CountApi>(new Worker(rel));

  const coop: number[] = [];
  const deaf: number[] = [];
  const rf: number[] = [];
  const th: number[] = [];
  await rfStream(ex);
  await threadsStream(threadsWorker); // warm both
  for (let round = 0; round < ROUNDS; round++) {
    coop.push(await cancelToNext(one, untilAborted));
    deaf.push(await cancelToNext(one, spinForever as unknown as typeof untilAborted));
    await one.submit(inc, 1); // the respawned worker imports the module before the next round
    rf.push(await rfStream(ex));
    th.push(await threadsStream(threadsWorker));
  }
  await Thread.terminate(threadsWorker as never);
  await Promise.all([ex.shutdown(), one.shutdown()]);
  const mem = await inChild('pool');
  const capped = await inChild('pool-young-8');
  const floor = await inChild('floor');

  const m = machine();
  const rate = (ms: number) => Math.round(VALUES / (ms / 1000)).toLocaleString('en-US');
  const md = `# Tasks that stream and stop (npm run bench:streaming${quick ? ' -- --quick' : ''})

- Machine: ${m.cpu} × ${m.cores}, ${m.memGB} GB, ${m.os}; Node ${m.node}; load ${m.load}
- Date: ${m.date}; ${ROUNDS} interleaved rounds, medians; \`maxWorkers: 2\`

| check | measured | target |
|---|--:|--:|
| cooperative cancel → next trivial result (the worker is kept) | ${median(coop).toFixed(1)} ms | < 10 ms |
| for comparison: a synchronous task, which cannot listen (terminate, respawn, module import) | ${median(deaf).toFixed(1)} ms | — |
| streaming ${VALUES.toLocaleString('en-US')} small values from one task: fromTaskStream | ${rate(median(rf))} values/s | ≥ 1,000,000 values/s |
| same values, threads.js's own Observable streaming | ${rate(median(th))} values/s (it delivered ${threadsReceived.toLocaleString('en-US')} of ${VALUES.toLocaleString('en-US')}) | — |
| fromTaskStream ÷ threads.js | ${(median(th) / median(rf)).toFixed(1)}× | ≥ 5× |
| memory: infinite generator, slow subscriber (50 µs of allocation-free work per value) for ${MEMORY_MS / 1000} s: peak RSS growth after ${WARM_MS / 1000} s of the same consumption | ${mem.growthMB.toFixed(1)} MB (${mem.values.toLocaleString('en-US')} values in all) | < 10 MB |
| the same, from a forced GC before the warm-up (V8 regrows its young generation) | ${mem.coldMB.toFixed(1)} MB | — |
| the same, the workers' young generation capped (\`resourceLimits: { maxYoungGenerationSizeMb: ${YOUNG_MB} }\`): where the growth is | ${capped.growthMB.toFixed(1)} MB | — |
| the floor: the same generator on the main thread, same subscriber (\`from(generator)\`): after the warm-up / from the GC | ${floor.growthMB.toFixed(1)} MB / ${floor.coldMB.toFixed(1)} MB (${floor.values.toLocaleString('en-US')} values) | — |
`;
  writeFileSync(path.join(resultsDir, quick ? 'streaming-partial.md' : 'streaming.md'), md);
  console.log(md);
}

const memoryArg = process.argv.indexOf('--memory');
(memoryArg >= 0 ? memoryChild(process.argv[memoryArg + 1]!) : main()).then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);

/**
 * The chaos runner of issue 4: thousands of tasks on a seeded PRNG, with randomly injected
 * worker exits, throws, uncaught async errors, unhandled rejections, hangs cut by
 * taskTimeout, random cancellations of futures and random unsubscriptions from
 * parallelMap. It checks that every Future settles, that every task that was neither
 * faulted nor cancelled produced its correct result, that streams end as `map` would,
 * and that no worker is leaked (`stats().workers` returns to 0 after idleTimeout).
 *
 * Replay a seed:  node dist/spec/chaos/chaos.js --seed 1234 [--n 3000] [--verbose]
 */
import { pathToFileURL } from 'node:url';
import { Observable, from, take, takeUntil, timer } from 'rxjs';
import {
  CancelledError,
  TaskTimeoutError,
  ThreadPoolExecutor,
  WorkerCrashedError,
  parallelMap,
  type Future,
} from '../../lib/index.js';

export type Kind = 'ok' | 'throw' | 'exit' | 'async-throw' | 'reject' | 'hang';

export interface ChaosItem {
  i: number;
  kind: Kind;
  ms: number;
}

export interface ChaosReport {
  seed: number;
  n: number;
  tasks: number;
  futures: number;
  streams: number;
  unsubscribed: number;
  cancelled: number;
  faults: Record<Kind, number>;
  violations: string[];
  ms: number;
}

/** mulberry32: a tiny, good-enough seeded PRNG; returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The task every chaos item runs (self-contained: it is shipped to workers by source). */
export const chaosTask = (t: { i: number; kind: string; ms: number }): number | Promise<number> => {
  switch (t.kind) {
    case 'throw':
      throw new Error(`chaos throw ${t.i}`);
    case 'exit':
      return process.exit(7);
    case 'async-throw':
      setTimeout(() => {
        throw new Error(`chaos async throw ${t.i}`);
      }, t.ms);
      return new Promise<number>(() => {});
    case 'reject':
      void Promise.reject(new Error(`chaos rejection ${t.i}`));
      return new Promise<number>(() => {});
    case 'hang':
      return new Promise<number>(() => {});
    default:
      return t.ms > 0 ? new Promise<number>((r) => setTimeout(() => r(t.i * 2 + 1), t.ms)) : t.i * 2 + 1;
  }
};

const expectedValue = (it: ChaosItem): number => it.i * 2 + 1;
const CRASHES: ReadonlySet<Kind> = new Set(['exit', 'async-throw', 'reject']);

/** Whether `err` is the right outcome for an item of this kind. */
function matchesKind(it: ChaosItem, err: unknown): string | null {
  switch (it.kind) {
    case 'throw':
      return err instanceof Error && err.message === `chaos throw ${it.i}` ? null : 'expected its own Error';
    case 'exit':
      return err instanceof WorkerCrashedError && err.exitCode === 7 ? null : 'expected WorkerCrashedError(exitCode 7)';
    case 'async-throw':
      return err instanceof WorkerCrashedError && err.message.includes(`chaos async throw ${it.i}`)
        ? null
        : 'expected WorkerCrashedError naming its async throw';
    case 'reject':
      return err instanceof WorkerCrashedError && err.message.includes(`chaos rejection ${it.i}`)
        ? null
        : 'expected WorkerCrashedError naming its rejection';
    case 'hang':
      return err instanceof TaskTimeoutError ? null : 'expected TaskTimeoutError';
    default:
      return 'an ok task must not fail';
  }
}

const describeErr = (e: unknown): string => (e instanceof Error ? `${e.name}: ${e.message.slice(0, 120)}` : String(e));

/** Resolves with `p`'s outcome, or 'hung' after `ms`. */
function settleWithin<T>(
  p: PromiseLike<T>,
  ms: number,
): Promise<{ ok: true; value: T } | { ok: false; error: unknown } | 'hung'> {
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve('hung'), ms);
    Promise.resolve(p).then(
      (value) => {
        clearTimeout(t);
        resolve({ ok: true, value });
      },
      (error) => {
        clearTimeout(t);
        resolve({ ok: false, error });
      },
    );
  });
}

const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Runs one chaos scenario of about `n` tasks for `seed`. Never throws for a library
 * failure: the returned report lists the violations (empty = pass).
 */
export async function runChaos(seed: number, n: number, log: (line: string) => void = () => {}): Promise<ChaosReport> {
  const t0 = Date.now();
  const rand = mulberry32(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const IDLE = 200;
  const TIMEOUT = 250;
  const HUNG = 20_000; // a future or stream unsettled this long is hung
  const plain = new ThreadPoolExecutor({ maxWorkers: 2, idleTimeout: IDLE, name: 'chaos-plain' });
  const timed = new ThreadPoolExecutor({ maxWorkers: 2, idleTimeout: IDLE, taskTimeout: TIMEOUT, name: 'chaos-timed' });
  const report: ChaosReport = {
    seed,
    n,
    tasks: 0,
    futures: 0,
    streams: 0,
    unsubscribed: 0,
    cancelled: 0,
    faults: { ok: 0, throw: 0, exit: 0, 'async-throw': 0, reject: 0, hang: 0 },
    violations: [],
    ms: 0,
  };
  const violation = (s: string) => {
    if (report.violations.length < 50) report.violations.push(s);
  };
  let nextI = 0;

  /** Random items; `allowHang` only where a timeout will cut them. */
  const makeItems = (count: number, faultRate: number, allowHang: boolean): ChaosItem[] =>
    Array.from({ length: count }, () => {
      let kind: Kind = 'ok';
      if (rand() < faultRate) {
        kind = pick<Kind>(
          allowHang
            ? ['throw', 'throw', 'exit', 'async-throw', 'reject', 'hang']
            : ['throw', 'throw', 'exit', 'async-throw', 'reject'],
        );
      }
      report.faults[kind]++;
      report.tasks++;
      return { i: nextI++, kind, ms: rand() < 0.1 ? int(1, 5) : 0 };
    });

  /** A batch of futures, some cancelled at random moments. */
  const futuresJob = async (tag: string): Promise<void> => {
    const useTimed = rand() < 0.4;
    const ex = useTimed ? timed : plain;
    const items = makeItems(int(20, 120), 0.04, useTimed);
    const futures: Future<number>[] = items.map((it) => ex.submit(chaosTask, it));
    report.futures += futures.length;
    const cancels = new Map<number, boolean>();
    const cancelAt = int(0, 30);
    const toCancel = items.map(() => rand() < 0.1);
    if (toCancel.some(Boolean)) {
      await delay(cancelAt);
      toCancel.forEach((c, k) => {
        if (c) cancels.set(k, futures[k]!.cancel());
      });
    }
    const outcomes = await Promise.all(futures.map((f) => settleWithin(f, HUNG)));
    outcomes.forEach((o, k) => {
      const it = items[k]!;
      const where = `${tag} future #${k} (item ${it.i}, ${it.kind}${cancels.has(k) ? `, cancel()→${cancels.get(k)}` : ''})`;
      if (o === 'hung') return violation(`${where}: never settled`);
      const f = futures[k]!;
      if (!f.done()) violation(`${where}: settled but done() is false`);
      if (cancels.get(k) === true) {
        report.cancelled++;
        if (o.ok || !(o.error instanceof CancelledError))
          violation(`${where}: cancel() returned true but outcome was ${o.ok ? o.value : describeErr(o.error)}`);
        return;
      }
      if (!o.ok && o.error instanceof CancelledError)
        return violation(`${where}: CancelledError, though never cancelled (or cancel() returned false)`);
      if (it.kind === 'ok') {
        if (!o.ok) violation(`${where}: an ok task failed with ${describeErr(o.error)}`);
        else if (o.value !== expectedValue(it)) violation(`${where}: value ${o.value}, expected ${expectedValue(it)}`);
      } else if (o.ok) {
        violation(`${where}: a faulty task succeeded with ${o.value}`);
      } else {
        const why = matchesKind(it, o.error);
        if (why) violation(`${where}: ${why}, got ${describeErr(o.error)}`);
      }
    });
  };

  /** A parallelMap over random items, with random options and a random unsubscription. */
  const streamJob = async (tag: string): Promise<void> => {
    report.streams++;
    const withTimeout = rand() < 0.3;
    const ex = rand() < 0.5 ? plain : timed;
    const items = makeItems(int(30, 400), rand() < 0.3 ? 0 : 0.02, withTimeout);
    const ordered = rand() < 0.7;
    const errors = pick(['ordered', 'ordered', 'end', 'immediate'] as const);
    const chunksize = withTimeout ? 1 : pick([1, 1, 3, 'auto'] as const);
    const options = {
      executor: ex,
      ordered,
      errors,
      chunksize,
      window: int(1, 8),
      ...(withTimeout ? { taskTimeout: TIMEOUT } : {}),
      cancelRunning: rand() < 0.8,
    };
    const cut = rand();
    let stream: Observable<number> = from(items).pipe(parallelMap(chaosTask, options));
    let unsub = 'none';
    if (cut < 0.15) {
      const k = int(0, items.length);
      stream = stream.pipe(take(k));
      unsub = `take(${k})`;
    } else if (cut < 0.3) {
      const ms = int(0, 200);
      stream = stream.pipe(takeUntil(timer(ms)));
      unsub = `takeUntil(${ms} ms)`;
    }
    if (unsub !== 'none') report.unsubscribed++;
    const desc = `${tag} stream of ${items.length} (${JSON.stringify({ ...options, executor: ex === plain ? 'plain' : 'timed' })}, ${unsub})`;
    const values: number[] = [];
    let ended: { error?: unknown } | undefined;
    const outcome = await settleWithin(
      new Promise<void>((resolve) => {
        stream.subscribe({
          next: (v) => {
            if (ended) violation(`${desc}: emitted ${v} after it ended`);
            values.push(v);
          },
          error: (e) => {
            ended = { error: e };
            resolve();
          },
          complete: () => {
            ended = {};
            resolve();
          },
        });
      }),
      HUNG,
    );
    if (outcome === 'hung') return violation(`${desc}: never ended (${values.length} values)`);
    const byValue = new Map(items.map((it) => [expectedValue(it), it] as const));
    const crashInStream = items.some((it) => CRASHES.has(it.kind));
    // Collateral: in a chunk of several items, a crash also fails its chunk neighbours.
    const collateralAllowed = chunksize !== 1 && crashInStream;
    const seen = new Set<number>();
    for (const v of values) {
      const it = byValue.get(v);
      if (!it) violation(`${desc}: emitted ${v}, which no item maps to`);
      else if (it.kind !== 'ok') violation(`${desc}: emitted ${v} for faulty item ${it.i} (${it.kind})`);
      if (seen.has(v)) violation(`${desc}: emitted ${v} twice`);
      seen.add(v);
    }
    const okItems = items.filter((it) => it.kind === 'ok');
    const firstFault = items.findIndex((it) => it.kind !== 'ok');
    const err = ended!.error;
    if (ordered) {
      // Emitted values are items' values in input order (a prefix with errors: 'ordered').
      let pos = -1;
      for (const v of values) {
        const idx = items.findIndex((it) => expectedValue(it) === v);
        if (idx <= pos) {
          violation(`${desc}: out of order at ${v}`);
          break;
        }
        pos = idx;
      }
      if (errors === 'ordered' && !collateralAllowed) {
        const expectedPrefix = items.slice(0, values.length).map(expectedValue);
        if (JSON.stringify(values) !== JSON.stringify(expectedPrefix))
          violation(`${desc}: values are not the map() prefix`);
      }
    }
    if (unsub !== 'none') {
      // Cut short by the consumer: whatever was emitted was checked above.
      if (err !== undefined && firstFault < 0) violation(`${desc}: errored ${describeErr(err)} with no faulty item`);
      return;
    }
    if (err === undefined) {
      if (firstFault >= 0)
        violation(`${desc}: completed although item ${items[firstFault]!.i} (${items[firstFault]!.kind}) is faulty`);
      if (values.length !== items.length)
        violation(`${desc}: completed with ${values.length} of ${items.length} values`);
      return;
    }
    if (err instanceof CancelledError) return violation(`${desc}: errored with CancelledError`);
    if (firstFault < 0) return violation(`${desc}: errored ${describeErr(err)} with no faulty item`);
    const explained =
      items.some((it) => it.kind !== 'ok' && matchesKind(it, err) === null) ||
      (collateralAllowed && err instanceof WorkerCrashedError);
    if (!explained) return violation(`${desc}: error ${describeErr(err)} matches no faulty item`);
    if (errors === 'ordered' && ordered && !collateralAllowed) {
      const it = items[firstFault]!;
      if (values.length !== firstFault)
        violation(`${desc}: ${values.length} values before the error, expected ${firstFault}`);
      const why = matchesKind(it, err);
      if (why)
        violation(
          `${desc}: error is not the first faulty item's (${it.i} ${it.kind}): ${why}, got ${describeErr(err)}`,
        );
    }
    if (errors === 'end' && !collateralAllowed) {
      if (values.length !== okItems.length)
        violation(`${desc}: errors 'end' emitted ${values.length} of ${okItems.length} ok values`);
      if (ordered) {
        const why = matchesKind(items[firstFault]!, err);
        if (why)
          violation(`${desc}: errors 'end' must give the first error by position: ${why}, got ${describeErr(err)}`);
      }
    }
  };

  // Jobs run three at a time, so streams, submits and faults interleave on both pools.
  let job = 0;
  while (report.tasks < n) {
    const batch: Promise<void>[] = [];
    for (let k = 0; k < 3 && report.tasks < n; k++) {
      const tag = `job ${job++}`;
      batch.push(rand() < 0.5 ? futuresJob(tag) : streamJob(tag));
    }
    await Promise.all(batch);
    log(`  … ${report.tasks} tasks, ${Date.now() - t0} ms`);
  }

  for (const [name, ex] of [
    ['plain', plain],
    ['timed', timed],
  ] as const) {
    const until = Date.now() + IDLE * 10 + 3000;
    while (ex.stats().workers !== 0 && Date.now() < until) await delay(20);
    const s = ex.stats();
    if (s.workers !== 0)
      violation(
        `${name} executor: ${s.workers} worker(s) still alive ${IDLE * 10 + 3000} ms after the work ended (idleTimeout ${IDLE})`,
      );
    if (s.queued !== 0 || s.running !== 0) violation(`${name} executor: stats after the work: ${JSON.stringify(s)}`);
  }
  await Promise.all([plain.shutdown({ cancelFutures: true }), timed.shutdown({ cancelFutures: true })]);
  report.ms = Date.now() - t0;
  return report;
}

// ---- command line ----

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const seed = Number(argValue('--seed') ?? Date.now() % 100_000);
  const n = Number(argValue('--n') ?? 2000);
  const verbose = process.argv.includes('--verbose');
  const r = await runChaos(seed, n, verbose ? (l) => console.log(l) : undefined);
  if (process.argv.includes('--json')) console.log(JSON.stringify(r));
  else {
    console.log(
      `chaos seed ${r.seed}: ${r.tasks} tasks (${r.futures} futures, ${r.streams} streams, ${r.unsubscribed} unsubscribed, ${r.cancelled} cancelled), faults ${JSON.stringify(r.faults)}, ${r.ms} ms`,
    );
    for (const v of r.violations) console.log(`  VIOLATION ${v}`);
    console.log(r.violations.length === 0 ? 'PASS' : `FAIL (${r.violations.length} violations)`);
  }
  process.exitCode = r.violations.length === 0 ? 0 : 1;
}

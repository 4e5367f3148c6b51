/** However a subscription ends, its queued tasks never start and its running ones stop. */
import { expect } from 'chai';
import {
  first,
  from,
  interval,
  lastValueFrom,
  map,
  NEVER,
  Observable,
  Subject,
  switchMap,
  take,
  takeUntil,
  tap,
  toArray,
} from 'rxjs';
import { parallelMap, ThreadPoolExecutor } from '../../lib/index.js';
import { spinFor } from '../helpers/executors.js';

/** Busy-loops for `ms` on the worker: only terminating the worker stops it. */
const spin = spinFor;

async function until(cond: () => boolean, limitMs = 10_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('cancellation by unsubscription', function () {
  this.timeout(60_000);
  let executor: ThreadPoolExecutor;
  beforeEach(() => (executor = new ThreadPoolExecutor({ maxWorkers: 2 })));
  afterEach(() => executor.shutdown({ cancelFutures: true }));

  it('frees the workers at once: a new trivial task is served within 1 s and CPU falls back to idle', async () => {
    const sub = from([10_000, 10_000]).pipe(parallelMap(spin, { executor })).subscribe();
    await until(() => executor.stats().running === 2);
    const t0 = performance.now();
    sub.unsubscribe();
    const answer = await executor.submit((x: number) => x + 1, 41);
    const servedMs = performance.now() - t0;
    expect(answer).to.equal(42);
    expect(servedMs).to.be.below(1_000);
    console.log(`      (next task served ${servedMs.toFixed(1)} ms after unsubscribing)`);
    // The process's CPU time (all threads) over the next 500 ms: busy loops would burn ~1 s.
    const cpu0 = process.cpuUsage();
    await new Promise((r) => setTimeout(r, 500));
    const cpu = process.cpuUsage(cpu0);
    expect((cpu.user + cpu.system) / 1000).to.be.below(250);
    expect(executor.stats()).to.include({ running: 0, queued: 0 });
  });

  const endings: [string, (o: Observable<number>) => Observable<unknown>][] = [
    ['take', (o) => o.pipe(take(1))],
    ['first', (o) => o.pipe(first())],
    [
      'takeUntil',
      (o) => {
        // Stops 100 ms after the first value, while the others spin.
        const stop = new Subject<void>();
        return o.pipe(
          tap(() => setTimeout(() => stop.next(), 100)),
          takeUntil(stop),
        );
      },
    ],
    [
      'a downstream error',
      (o) =>
        o.pipe(
          map((v) => {
            throw new Error(`downstream ${v}`);
          }),
        ),
    ],
  ];
  for (const [name, end] of endings) {
    it(`${name}: queued tasks never start, running ones are stopped, nothing is emitted afterwards`, async () => {
      // Item 0 is quick so that `take`/`first` have a value; the rest spin for 10 s.
      const seen: unknown[] = [];
      const stream = from([0, 10_000, 10_000, 10_000, 10_000]).pipe(parallelMap(spin, { executor, chunksize: 1 }));
      await lastValueFrom(end(stream).pipe(toArray()))
        .then((v) => seen.push(...v))
        .catch(() => seen.push('error'));
      await until(() => executor.stats().running === 0 && executor.stats().queued === 0, 2_000);
      const { completed, cancelled } = executor.stats();
      // Item 0 ran; everything else that was submitted (3 or 4 items, the window decides) was cancelled.
      expect(completed).to.equal(1);
      expect(cancelled).to.be.within(3, 4);
      const after = seen.length;
      await new Promise((r) => setTimeout(r, 100));
      expect(seen.length).to.equal(after);
    });
  }

  it('switchMap switching cancels the previous inner parallelMap', async () => {
    const outer = new Subject<number>();
    const out: number[] = [];
    const sub = outer
      .pipe(switchMap((n) => from([n, n]).pipe(parallelMap(spinFor, { executor }))))
      .subscribe((v) => out.push(v));
    outer.next(10_000);
    await until(() => executor.stats().running === 2);
    outer.next(1);
    await until(() => out.length === 2, 5_000);
    expect(out).to.deep.equal([1, 1]);
    expect(executor.stats().cancelled).to.equal(2);
    sub.unsubscribe();
  });

  it('does not touch other subscriptions on the same executor', async () => {
    const slow = from([300, 300, 300, 300]).pipe(parallelMap(spin, { executor, window: 2 }));
    const kept = lastValueFrom(slow.pipe(toArray()));
    const dropped = from([10_000, 10_000]).pipe(parallelMap(spin, { executor })).subscribe();
    await new Promise((r) => setTimeout(r, 50));
    dropped.unsubscribe();
    expect(await kept).to.deep.equal([300, 300, 300, 300]);
  });

  it('leaving a for-await loop over executor.map early cancels what is outstanding', async () => {
    function* forever() {
      for (let i = 0; ; i++) yield i % 3 === 0 ? 1 : 10_000;
    }
    let n = 0;
    for await (const v of executor.map(spin, forever(), { window: 4, chunksize: 1 })) {
      expect(v).to.equal(1);
      if (++n === 1) break;
    }
    await until(() => executor.stats().running === 0 && executor.stats().queued === 0, 2_000);
    expect(executor.stats().cancelled).to.be.at.least(1);
  });

  it('an infinite interval source stops submitting once unsubscribed', async () => {
    const sub = interval(1)
      .pipe(parallelMap((x: number) => x, { executor }))
      .subscribe();
    await new Promise((r) => setTimeout(r, 100));
    sub.unsubscribe();
    const total = () => executor.stats().completed + executor.stats().cancelled + executor.stats().failed;
    await until(() => executor.stats().queued === 0 && executor.stats().running === 0, 2_000);
    const settled = total();
    await new Promise((r) => setTimeout(r, 100));
    expect(total()).to.equal(settled);
    void NEVER;
  });

  it('with cancelRunning: false, a running chunk finishes its current item, skips the rest, and keeps its worker', async () => {
    const one = new ThreadPoolExecutor({ maxWorkers: 1 });
    try {
      // Counts, in the worker, the items that really ran. 0 answers at once; the others take
      // 250 ms, so the stop reaches the worker long before a second one could end.
      const work = (x: number) => {
        const g = globalThis as { runs?: number };
        g.runs = (g.runs ?? 0) + 1;
        const end = Date.now() + (x === 0 ? 0 : 250);
        while (Date.now() < end);
        return x;
      };
      const source = new Subject<number>();
      const got: number[] = [];
      const sub = source
        .pipe(parallelMap(work, { executor: one, chunksize: 10, cancelRunning: false }))
        .subscribe((v) => got.push(v));
      source.next(0); // chunk [0]
      await Promise.resolve();
      for (let i = 1; i <= 10; i++) source.next(i); // chunk [1..10]
      // Unsubscribe once item 1 runs: a stop that arrived before it started would rightly skip it too.
      await until(() => got.length === 1 && one.stats().running === 1, 5_000);
      sub.unsubscribe();
      expect(got).to.deep.equal([0]);
      await until(() => one.stats().running === 0 && one.stats().queued === 0, 5_000);
      const runs = await one.submit(() => (globalThis as { runs?: number }).runs);
      expect(runs, 'items run before the stop (the same worker still counts them)').to.equal(2);
      expect(one.stats().cancelled).to.equal(9);
    } finally {
      await one.shutdown();
    }
  });
});

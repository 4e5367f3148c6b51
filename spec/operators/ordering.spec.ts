/** Cases ported from the reactive peers' suites: order, window and error modes. */
import { expect } from 'chai';
import { from, lastValueFrom, Observable, Subject, toArray } from 'rxjs';
import { parallelMap, ThreadPoolExecutor, type Executor, type Task } from '../../lib/index.js';

const sleepThen = ([value, ms]: [number, number]) => new Promise<number>((r) => setTimeout(() => r(value), ms));

describe('parallelMap order, window and errors', function () {
  this.timeout(30_000);
  const executor = new ThreadPoolExecutor({ maxWorkers: 2 });
  after(() => executor.shutdown());

  it('keeps source order when delays are reversed', async () => {
    const items: [number, number][] = [
      [1, 120],
      [2, 90],
      [3, 60],
      [4, 30],
      [5, 0],
    ];
    const out = await lastValueFrom(from(items).pipe(parallelMap(sleepThen, { executor, window: 5 }), toArray()));
    expect(out).to.deep.equal([1, 2, 3, 4, 5]);
  });

  it('does not let a fast task in the middle jump ahead', async () => {
    const items: [number, number][] = [
      [1, 100],
      [2, 0],
      [3, 100],
    ];
    const out = await lastValueFrom(from(items).pipe(parallelMap(sleepThen, { executor, window: 3 }), toArray()));
    expect(out).to.deep.equal([1, 2, 3]);
  });

  it('with window 2, task 3 does not start before task 1 was emitted, even if task 2 finished early', async () => {
    const now = () => performance.timeOrigin + performance.now();
    // Each task reports when it started; task 1 is slow, task 2 fast.
    const stamp = ([id, ms]: [number, number]) =>
      new Promise<[number, number]>((r) => {
        const started = performance.timeOrigin + performance.now();
        setTimeout(() => r([id, started]), ms);
      });
    let emitted1 = Infinity;
    const starts = new Map<number, number>();
    const sub = new Promise<void>((resolve, reject) =>
      from([
        [1, 300],
        [2, 5],
        [3, 0],
      ] as [number, number][])
        .pipe(parallelMap(stamp, { executor, window: 2, chunksize: 1 }))
        .subscribe({
          next: ([id, started]) => {
            starts.set(id, started);
            if (id === 1) emitted1 = now();
          },
          error: reject,
          complete: resolve,
        }),
    );
    await sub;
    expect(starts.get(3)).to.be.at.least(emitted1 - 1); // clocks of two threads: allow 1 ms of skew
  });

  it('never has more than `window` chunks outstanding (submitted, not yet emitted) over 10,000 items', async () => {
    // An Executor of our own that counts what the engine submits.
    let submitted = 0;
    let emitted = 0;
    let worst = 0;
    const counting: Executor = {
      ...executor,
      submit: ((fn: Task<unknown[], unknown>, ...args: unknown[]) => {
        submitted++;
        worst = Math.max(worst, submitted - emitted);
        return executor.submit(fn, ...args);
      }) as Executor['submit'],
      map: executor.map.bind(executor),
      starmap: executor.starmap.bind(executor),
      shutdown: executor.shutdown.bind(executor),
      stats: executor.stats.bind(executor),
      stats$: executor.stats$,
      [Symbol.asyncDispose]: () => executor.shutdown(),
    };
    const n = 10_000;
    let count = 0;
    await new Promise<void>((resolve, reject) =>
      from(Array.from({ length: n }, (_, i) => i))
        .pipe(parallelMap((x: number) => x + 1, { executor: counting, window: 3, chunksize: 1 }))
        .subscribe({
          next: () => {
            emitted++;
            count++;
          },
          error: reject,
          complete: resolve,
        }),
    );
    expect(count).to.equal(n);
    expect(worst).to.be.at.most(3).and.at.least(1);
  });

  it("'end' mode on [1, fail, 3] gives 1, 3, then the error", async () => {
    const seen: unknown[] = [];
    const failOn2 = (x: number) => {
      if (x === 2) throw new RangeError('two');
      return x;
    };
    const err = await new Promise<unknown>((resolve) =>
      from([1, 2, 3])
        .pipe(parallelMap(failOn2, { executor, errors: 'end' }))
        .subscribe({
          next: (v) => seen.push(v),
          error: resolve,
          complete: () => resolve(undefined),
        }),
    );
    expect(seen).to.deep.equal([1, 3]);
    expect(err).to.be.instanceOf(RangeError).with.property('message', 'two');
  });

  it("'immediate' mode errors as soon as a task fails, before slower earlier tasks finish", async () => {
    const task = ([x, ms]: [number, number]) =>
      new Promise<number>((resolve, reject) =>
        setTimeout(() => (x === 2 ? reject(new Error('fast failure')) : resolve(x)), ms),
      );
    const t0 = Date.now();
    const err = await lastValueFrom(
      from([
        [1, 2_000],
        [2, 10],
      ] as [number, number][]).pipe(parallelMap(task, { executor, errors: 'immediate' })),
    ).catch((e: Error) => e);
    expect(err).to.be.instanceOf(Error).with.property('message', 'fast failure');
    expect(Date.now() - t0).to.be.below(1_500);
  });

  it('a re-entrant source (a Subject pushed from inside next) does not deadlock', async () => {
    const subject = new Subject<number>();
    const out: number[] = [];
    const done = new Promise<void>((resolve, reject) =>
      subject.pipe(parallelMap((x: number) => x * 10, { executor, window: 1 })).subscribe({
        next: (v) => {
          out.push(v);
          if (v < 50) subject.next(v / 10 + 1);
          else subject.complete();
        },
        error: reject,
        complete: resolve,
      }),
    );
    subject.next(1);
    await done;
    expect(out).to.deep.equal([10, 20, 30, 40, 50]);
  });

  it('a source error cancels the in-flight work and is forwarded', async () => {
    const ex = new ThreadPoolExecutor({ maxWorkers: 2 });
    const before = ex.stats().cancelled;
    const source = new Observable<number>((s) => {
      s.next(1);
      s.next(2);
      s.next(3);
      setTimeout(() => s.error(new Error('source broke')), 100);
    });
    const spin = (ms: number) => {
      const end = Date.now() + ms * 1000;
      while (Date.now() < end);
      return ms;
    };
    const t0 = Date.now();
    const err = await lastValueFrom(source.pipe(parallelMap(spin, { executor: ex }))).catch((e: Error) => e);
    expect(err).to.have.property('message', 'source broke');
    expect(Date.now() - t0).to.be.below(1_000);
    // The running ones were stopped, the queued one never ran.
    expect(ex.stats().cancelled - before).to.equal(3);
    await ex.shutdown();
  });
});

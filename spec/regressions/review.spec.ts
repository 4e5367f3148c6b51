/**
 * Bugs an independent review of the library found (each was reproduced before the fix):
 * cancellation that skipped work, shutdown that missed or hung, results held back or
 * lost because of a neighbour, and RxJS signatures a Future dropped.
 */
import { expect } from 'chai';
import { from, lastValueFrom, range, take, toArray } from 'rxjs';
import {
  Future,
  InlineExecutor,
  TaskTimeoutError,
  ThreadPoolExecutor,
  WorkerCrashedError,
  fromTask,
  submitOn,
} from '../../lib/index.js';
import { captureConsoleError } from '../helpers/console.js';
import { spinFor } from '../helpers/executors.js';

const sleepThen = ([v, ms]: [number, number]) => new Promise<number>((r) => setTimeout(() => r(v), ms));

describe('regressions found by review', function () {
  this.timeout(30_000);

  it("errors: 'immediate' — ending the stream cancels every outstanding chunk, not every other one", async () => {
    const ex = new InlineExecutor();
    const sub = ex
      .map(
        sleepThen,
        Array.from({ length: 8 }, (_, i) => [i, 10] as [number, number]),
        {
          errors: 'immediate',
          window: 8,
          chunksize: 1,
        },
      )
      .subscribe();
    sub.unsubscribe();
    await ex.shutdown();
    expect(ex.stats()).to.include({ cancelled: 8, completed: 0 });
  });

  it("errors: 'immediate' with ordered output never emits a later value before an earlier one", async () => {
    const ex = new ThreadPoolExecutor({ maxWorkers: 2 });
    const seen: number[] = [];
    const failOn3 = (x: number) =>
      new Promise<number>((resolve, reject) =>
        setTimeout(() => (x === 3 ? reject(new Error('three')) : resolve(x)), x === 0 ? 300 : 0),
      );
    const err = await new Promise<unknown>((resolve) =>
      from([0, 1, 2, 3])
        .pipe((s) => ex.map(failOn3, s, { errors: 'immediate', chunksize: 2 }))
        .subscribe({ next: (v) => seen.push(v), error: resolve, complete: () => resolve(undefined) }),
    );
    expect((err as Error).message).to.equal('three');
    expect(seen).to.deep.equal(seen.slice().sort((a, b) => a - b));
    expect(seen).to.not.include(2);
    await ex.shutdown();
  });

  it('shutdown({ cancelFutures: true }) cancels all of a large queue', async () => {
    const ex = new ThreadPoolExecutor({ maxWorkers: 1 });
    const blocker = ex.submit(sleepThen, [0, 300]);
    while (!blocker.running()) await new Promise((r) => setTimeout(r, 5));
    const queued = Array.from({ length: 3000 }, (_, i) => ex.submit(sleepThen, [i, 0]));
    await ex.shutdown({ cancelFutures: true });
    expect(await blocker).to.equal(0);
    expect(queued.filter((f) => f.cancelled()).length).to.equal(3000);
  });

  it('a quick result is not held back behind a slow neighbour on the same worker', async () => {
    const ex = new ThreadPoolExecutor({ maxWorkers: 1 });
    const t0 = Date.now();
    const quick = ex.submit((x: number) => x + 1, 1);
    const slow = ex.submit(spinFor, 1_500);
    expect(await quick).to.equal(2);
    expect(Date.now() - t0).to.be.below(1_000);
    await slow;
    await ex.shutdown();
  });

  it('a finished neighbour is not failed when its worker is killed to cancel another task', async () => {
    const ex = new ThreadPoolExecutor({ maxWorkers: 1 });
    const done = ex.submit((x: number) => x * 2, 21);
    const sub = fromTask(ex, spinFor, 10_000).subscribe();
    await new Promise((r) => setTimeout(r, 300));
    sub.unsubscribe();
    expect(await done.result(5_000)).to.equal(42);
    await ex.shutdown();
  });

  it('an executor-wide taskTimeout fails only the hung item of a multi-item chunk', async () => {
    const ex = new ThreadPoolExecutor({ maxWorkers: 1, taskTimeout: 300 });
    const out: number[] = [];
    const err = await new Promise<unknown>((resolve) =>
      ex
        .map((x: number) => (x === 5 ? new Promise<number>(() => {}) : x), range(0, 10), {
          chunksize: 10,
          errors: 'end',
        })
        .subscribe({ next: (v) => out.push(v), error: resolve, complete: () => resolve(undefined) }),
    );
    expect(err).to.be.instanceOf(TaskTimeoutError);
    expect(out).to.deep.equal([0, 1, 2, 3, 4, 6, 7, 8, 9]);
    await ex.shutdown();
  });

  it('a crash in the middle of a chunk fails only the item that crashed', async () => {
    const ex = new ThreadPoolExecutor({ maxWorkers: 1 });
    const out: number[] = [];
    const err = await new Promise<unknown>((resolve) =>
      ex
        .map((x: number) => (x === 5 ? process.exit(9) : x * 10), range(0, 10), { chunksize: 10, errors: 'end' })
        .subscribe({ next: (v) => out.push(v as number), error: resolve, complete: () => resolve(undefined) }),
    );
    expect(err).to.be.instanceOf(WorkerCrashedError).with.property('exitCode', 9);
    expect(out).to.deep.equal([0, 10, 20, 30, 40, 60, 70, 80, 90]);
    expect(ex.stats()).to.include({ completed: 9, failed: 1 });
    await ex.shutdown();
  });

  it('shutdown() does not hang after a chunk postMessage refused (all of it unsendable)', async () => {
    const ex = new ThreadPoolExecutor({ maxWorkers: 1, minWorkers: 1 });
    await ex.submit((x: number) => x, 1);
    const f = ex.submit((o: { a: () => number }) => o, { a: () => 1 });
    expect(await f.exception(5_000)).to.have.property('name', 'TaskSerializationError');
    const t0 = Date.now();
    await ex.shutdown();
    expect(Date.now() - t0).to.be.below(5_000);
  });

  it('submitOn + take(3) on a synchronous source submits 3 tasks, not the whole source', async () => {
    const ex = new ThreadPoolExecutor({ maxWorkers: 1 });
    const futures = await lastValueFrom(
      range(1, 10_000).pipe(
        submitOn(ex, (x: number) => x),
        take(3),
        toArray(),
      ),
    );
    expect(futures).to.have.length(3);
    const { completed, cancelled, queued, running } = ex.stats();
    expect(completed + cancelled + queued + running).to.equal(3);
    await ex.shutdown();
  });

  it('Future.subscribe(next, error) calls the error handler; subscribe() on a failed future only reports', async () => {
    const f = new Future<number>();
    f.setException(new Error('nope'));
    let got: unknown;
    f.subscribe(
      () => undefined,
      (e) => (got = e),
    );
    expect(got).to.have.property('message', 'nope');
    const calls = await captureConsoleError(async () => {
      f.subscribe();
      await new Promise((r) => setTimeout(r, 20)); // RxJS would have thrown on a timer by now
    });
    expect(calls.length).to.equal(1);
  });

  it('a result whose `then` getter throws fails that item with the thrown error, not a worker crash', async () => {
    const ex = new ThreadPoolExecutor({ maxWorkers: 1 });
    try {
      const evil = () => ({
        get then(): never {
          throw new TypeError('revoked');
        },
      });
      const err = await ex.submit(evil).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).to.be.instanceOf(TypeError).and.not.instanceOf(WorkerCrashedError);
      expect(err).to.have.property('message', 'revoked');
      // In a chunk of several items, only that item fails; the worker is not replaced.
      // A mark the worker keeps in its globals: the same mark later means the same worker.
      const workerMark = () => ((globalThis as { mark?: number }).mark ??= Math.random());
      const firstThread = await ex.submit(workerMark);
      const out = await lastValueFrom(
        ex
          .map(
            (x: number) =>
              x === 2
                ? {
                    get then(): never {
                      throw new RangeError('bad then');
                    },
                  }
                : x * 10,
            [0, 1, 2, 3],
            { chunksize: 4, errors: 'end' },
          )
          .pipe(toArray()),
      ).catch((e: unknown) => e);
      expect(out).to.be.instanceOf(RangeError);
      expect(ex.stats()).to.include({ failed: 2 });
      expect(await ex.submit(workerMark)).to.equal(firstThread);
    } finally {
      await ex.shutdown();
    }
  });
});

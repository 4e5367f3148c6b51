/**
 * Issue 4: shutdown under load, shutdown of running streams, and broken executors.
 */
import { expect } from 'chai';
import { Subject, from, interval, lastValueFrom, map, range, take, toArray } from 'rxjs';
import {
  BrokenExecutorError,
  CancelledError,
  ExecutorShutdownError,
  ThreadPoolExecutor,
  parallelMap,
  type Future,
} from '../../lib/index.js';
import {
  delay,
  oddOf,
  rejectionOf,
  sleepThen,
  thrownBy,
  usePools,
  waitUntil,
  within,
} from '../fixtures/faults-helpers.js';

/** Subscribes and records everything a stream does. */
function record<T>(source: import('rxjs').Observable<T>) {
  const r = { values: [] as T[], error: undefined as unknown, completed: false, errored: false };
  const done = new Promise<void>((resolve) => {
    source.subscribe({
      next: (v) => r.values.push(v),
      error: (e) => {
        r.errored = true;
        r.error = e;
        resolve();
      },
      complete: () => {
        r.completed = true;
        resolve();
      },
    });
  });
  return { r, done };
}

describe('faults: shutdown', function () {
  this.timeout(30_000);
  const pool = usePools();

  it('shutdown({ wait: false }) resolves before the work is done, and the work still completes', async function () {
    const ex = pool({ maxWorkers: 2, idleTimeout: 60_000 });
    const futures = Array.from({ length: 6 }, (_, i) => ex.submit(sleepThen<number>, 300, i));
    await waitUntil(() => ex.stats().running > 0, 'a task to start');
    await within(ex.shutdown({ wait: false }), 'shutdown({ wait: false })', 2000);
    const doneAtResolve = futures.filter((f) => f.done()).length;
    expect(doneAtResolve, 'futures already done when shutdown({ wait: false }) resolved').to.be.lessThan(6);
    expect(thrownBy(() => ex.submit(oddOf, 1))).to.be.instanceOf(ExecutorShutdownError);
    expect(await within(Promise.all(futures), 'the work')).to.deep.equal([0, 1, 2, 3, 4, 5]);
    await waitUntil(() => ex.stats().workers === 0, 'the workers to exit after the work');
  });

  it('shutdown() (wait) resolves only when every queued future is done and the workers have exited', async function () {
    const ex = pool({ maxWorkers: 2, idleTimeout: 60_000 });
    const futures = Array.from({ length: 8 }, (_, i) => ex.submit(sleepThen<number>, 50, i));
    await within(ex.shutdown(), 'shutdown()');
    expect(futures.every((f) => f.done() && !f.cancelled())).to.equal(true);
    expect(await Promise.all(futures)).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(ex.stats()).to.include({ workers: 0, completed: 8 });
  });

  it('shutdown({ cancelFutures: true }) under load: running tasks finish, the rest are cancelled, nothing hangs', async function () {
    const ex = pool({ maxWorkers: 2, idleTimeout: 60_000 });
    const futures = Array.from({ length: 200 }, (_, i) => ex.submit(sleepThen<number>, 20, i));
    await waitUntil(() => ex.stats().completed >= 4, 'some tasks to complete');
    await within(ex.shutdown({ cancelFutures: true }), 'shutdown({ cancelFutures: true })');
    expect(
      futures.every((f) => f.done()),
      'every future is done after shutdown',
    ).to.equal(true);
    let completed = 0;
    let cancelled = 0;
    for (const [i, f] of futures.entries()) {
      if (f.cancelled()) {
        cancelled++;
        expect(await rejectionOf(f)).to.be.instanceOf(CancelledError);
      } else {
        completed++;
        expect(await f).to.equal(i);
      }
    }
    expect(completed).to.be.at.least(4);
    expect(cancelled, 'most of 200 queued tasks are cancelled').to.be.at.least(100);
    expect(ex.stats()).to.include({ workers: 0, completed, cancelled, queued: 0, running: 0 });
  });

  it('shutdown({ wait: false, cancelFutures: true }) resolves at once and cancels the queue', async function () {
    const ex = pool({ maxWorkers: 1, idleTimeout: 60_000 });
    const futures = Array.from({ length: 20 }, (_, i) => ex.submit(sleepThen<number>, 100, i));
    await waitUntil(() => ex.stats().running > 0, 'a task to start');
    await within(ex.shutdown({ wait: false, cancelFutures: true }), 'shutdown', 2000);
    const outcomes = await within(Promise.allSettled(futures), 'all futures');
    const cancelled = outcomes.filter((o) => o.status === 'rejected' && o.reason instanceof CancelledError).length;
    const fulfilled = outcomes.filter((o) => o.status === 'fulfilled').length;
    expect(cancelled + fulfilled).to.equal(20);
    expect(cancelled).to.be.at.least(15);
  });

  it('shutdown() while a parallelMap is subscribed: the stream errors with ExecutorShutdownError (it does not stop silently)', async function () {
    const ex = pool({ maxWorkers: 2, idleTimeout: 60_000 });
    const { r, done } = record(
      range(0, 1000).pipe(parallelMap((x: number) => x * 2, { executor: ex, window: 2, chunksize: 1 })),
    );
    await waitUntil(() => r.values.length >= 5, 'some values');
    await within(ex.shutdown(), 'shutdown()');
    await within(done, 'the stream to end');
    expect(r.completed, 'the stream must not complete: items were never mapped').to.equal(false);
    expect(r.error).to.be.instanceOf(ExecutorShutdownError);
    // Whatever was emitted is the right prefix, in order.
    expect(r.values).to.deep.equal(r.values.map((_, i) => i * 2));
  });

  it('shutdown() while a parallelMap is subscribed: values of the tasks already submitted are emitted before the error', async function () {
    // Sensible, and what Python's executor.map does for futures it already submitted:
    // shutdown(wait) lets them run to the end, so their values are not thrown away; the
    // error comes at the position of the first item that could not be submitted.
    const ex = pool({ maxWorkers: 2, idleTimeout: 60_000 });
    const source = new Subject<number>();
    const { r, done } = record(
      source.pipe(
        parallelMap((x: number) => new Promise<number>((res) => setTimeout(() => res(x * 2), 100)), {
          executor: ex,
          window: 4,
          chunksize: 1,
        }),
      ),
    );
    for (let i = 0; i < 4; i++) source.next(i); // fills the window: 4 tasks submitted
    await waitUntil(() => ex.stats().running > 0, 'the tasks to start');
    const shut = ex.shutdown();
    source.next(4); // the stream cannot submit this one any more
    source.next(5);
    await within(shut, 'shutdown()');
    await within(done, 'the stream to end');
    expect(r.error).to.be.instanceOf(ExecutorShutdownError);
    expect(r.values, 'values of the 4 submitted tasks, which did run').to.deep.equal([0, 2, 4, 6]);
  });

  it('shutdown({ cancelFutures: true }) while a parallelMap is subscribed: ExecutorShutdownError, not CancelledError', async function () {
    const ex = pool({ maxWorkers: 2, idleTimeout: 60_000 });
    const { r, done } = record(
      range(0, 1000).pipe(
        parallelMap((x: number) => new Promise<number>((res) => setTimeout(() => res(x), 10)), {
          executor: ex,
          window: 8,
          chunksize: 1,
        }),
      ),
    );
    await waitUntil(() => r.values.length >= 3, 'some values');
    await within(ex.shutdown({ cancelFutures: true }), 'shutdown');
    await within(done, 'the stream to end');
    expect(r.completed).to.equal(false);
    expect(r.error).to.be.instanceOf(ExecutorShutdownError);
    expect(r.values).to.deep.equal(r.values.map((_, i) => i));
  });

  it('shutdown({ wait: false }) while a parallelMap is subscribed also ends the stream with ExecutorShutdownError', async function () {
    const ex = pool({ maxWorkers: 2, idleTimeout: 60_000 });
    const { r, done } = record(interval(5).pipe(take(10_000), parallelMap(oddOf, { executor: ex })));
    await waitUntil(() => r.values.length >= 5, 'some values');
    await ex.shutdown({ wait: false });
    await within(done, 'the stream to end');
    expect(r.error).to.be.instanceOf(ExecutorShutdownError);
    expect(r.values).to.deep.equal(r.values.map((_, i) => 2 * i + 1));
  });

  it('a stream whose items were all submitted before shutdown() completes normally', async function () {
    const ex = pool({ maxWorkers: 2, idleTimeout: 60_000 });
    const result = lastValueFrom(
      from([1, 2, 3, 4]).pipe(
        parallelMap((x: number) => new Promise<number>((res) => setTimeout(() => res(x * 10), 50)), {
          executor: ex,
          window: 8,
          chunksize: 1,
        }),
        toArray(),
      ),
    );
    await waitUntil(() => ex.stats().running > 0, 'a task to start');
    await within(ex.shutdown(), 'shutdown()');
    expect(await within(result, 'stream')).to.deep.equal([10, 20, 30, 40]);
  });

  it('await using shuts the executor down (waiting) at the end of the block', async function () {
    let ex: ThreadPoolExecutor | undefined;
    let futures: Future<number>[] = [];
    {
      await using e = new ThreadPoolExecutor({ maxWorkers: 2 });
      ex = e;
      futures = Array.from({ length: 4 }, (_, i) => e.submit(sleepThen<number>, 100, i));
    }
    expect(futures.every((f) => f.done())).to.equal(true);
    expect(await Promise.all(futures)).to.deep.equal([0, 1, 2, 3]);
    expect(ex.stats().workers).to.equal(0);
    expect(thrownBy(() => ex!.submit(oddOf, 1))).to.be.instanceOf(ExecutorShutdownError);
  });

  it('await using also shuts down when the block throws', async function () {
    let ex: ThreadPoolExecutor | undefined;
    const err = await rejectionOf(
      (async () => {
        await using e = new ThreadPoolExecutor({ maxWorkers: 1 });
        ex = e;
        await e.submit(oddOf, 1);
        throw new Error('block failed');
      })(),
    );
    expect((err as Error).message).to.equal('block failed');
    expect(ex!.stats().workers).to.equal(0);
    expect(thrownBy(() => ex!.submit(oddOf, 1))).to.be.instanceOf(ExecutorShutdownError);
  });

  it('a second shutdown is harmless: sequential, concurrent, and mixed options', async function () {
    const ex = pool({ maxWorkers: 2 });
    const futures = Array.from({ length: 4 }, (_, i) => ex.submit(sleepThen<number>, 50, i));
    const a = ex.shutdown();
    const b = ex.shutdown();
    const c = ex.shutdown({ wait: false });
    await within(Promise.all([a, b, c]), 'concurrent shutdowns');
    await within(ex.shutdown(), 'a later shutdown');
    await within(ex.shutdown({ cancelFutures: true }), 'a later shutdown with cancelFutures');
    await within(ex[Symbol.asyncDispose](), 'asyncDispose after shutdown');
    expect(await Promise.all(futures)).to.deep.equal([0, 1, 2, 3]);
    expect(ex.stats().workers).to.equal(0);
  });

  it('shutdown of an executor that never started a worker resolves at once', async function () {
    const ex = pool({ maxWorkers: 2 });
    await within(ex.shutdown(), 'shutdown', 2000);
    expect(ex.stats().workers).to.equal(0);
  });

  describe('a failing initializer makes the executor broken', function () {
    it('pending futures fail with BrokenExecutorError, submit throws it, and no worker is respawned', async function () {
      const ex = pool({
        maxWorkers: 2,
        initializer: () => {
          throw new Error('no database');
        },
      });
      const futures = Array.from({ length: 5 }, (_, i) => ex.submit(oddOf, i));
      for (const f of futures) {
        const err = await rejectionOf(f);
        expect(err).to.be.instanceOf(BrokenExecutorError);
        expect((err as Error).message).to.include('no database');
      }
      expect(thrownBy(() => ex.submit(oddOf, 1))).to.be.instanceOf(BrokenExecutorError);
      await waitUntil(() => ex.stats().workers === 0, 'the workers to be gone');
      await delay(300);
      expect(ex.stats().workers, 'no respawn loop').to.equal(0);
      await within(ex.shutdown(), 'shutdown of a broken executor');
    });

    it('an initializer that calls process.exit: BrokenExecutorError, not a respawn loop', async function () {
      const ex = pool({ maxWorkers: 2, initializer: () => process.exit(4) });
      const err = await rejectionOf(ex.submit(oddOf, 1));
      expect(err).to.be.instanceOf(BrokenExecutorError);
      expect(thrownBy(() => ex.submit(oddOf, 1))).to.be.instanceOf(BrokenExecutorError);
      await waitUntil(() => ex.stats().workers === 0, 'the workers to be gone');
    });

    it('an async initializer that rejects: BrokenExecutorError; a parallelMap on it errors with it', async function () {
      const ex = pool({
        maxWorkers: 2,
        initializer: async () => {
          await new Promise((r) => setTimeout(r, 10));
          throw new Error('async init failed');
        },
      });
      const err = await rejectionOf(lastValueFrom(range(0, 50).pipe(parallelMap(oddOf, { executor: ex }), toArray())));
      expect(err).to.be.instanceOf(BrokenExecutorError);
      const err2 = await rejectionOf(
        lastValueFrom(
          range(0, 5).pipe(
            map((x) => x),
            parallelMap(oddOf, { executor: ex }),
          ),
        ),
      );
      expect(err2).to.be.instanceOf(BrokenExecutorError);
    });
  });
});

import { expect } from 'chai';
import { CancelledError, ExecutorShutdownError } from '../../../lib/index.js';
import { countRun, forEachExecutor, rejectionOf, sleepTask, sleepThen, waitUntil } from '../../helpers/executors.js';

forEachExecutor('Executor.shutdown', (makeExecutor, kind) => {
  it('submit after shutdown throws ExecutorShutdownError', async function () {
    const ex = makeExecutor();
    await ex.shutdown();
    let err: unknown;
    try {
      ex.submit(() => 1);
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(ExecutorShutdownError);
    expect((err as Error).name).to.equal('ExecutorShutdownError');
  });

  it('submit throws ExecutorShutdownError as soon as shutdown() began, before it resolves', async function () {
    const ex = makeExecutor();
    const running = ex.submit(sleepTask, 100);
    const closing = ex.shutdown();
    expect(() => ex.submit(() => 1)).to.throw(ExecutorShutdownError);
    await closing;
    expect(await running).to.equal(100);
  });

  it('map after shutdown fails (throws or errors) with ExecutorShutdownError', async function () {
    const ex = makeExecutor();
    await ex.shutdown();
    const err = await new Promise<unknown>((resolve) => {
      try {
        ex.map((x: number) => x, [1]).subscribe({
          next: () => resolve('a value'),
          error: resolve,
          complete: () => resolve('complete'),
        });
      } catch (e) {
        resolve(e);
      }
    });
    expect(err).to.be.instanceOf(ExecutorShutdownError);
  });

  it('shutdown({ cancelFutures: true }) cancels the queued futures; running ones finish', async function () {
    const ex = makeExecutor();
    const c = kind.counters();
    const busy = Array.from({ length: kind.parallelism }, () => ex.submit(sleepTask, 300));
    await waitUntil(() => busy.every((f) => f.running()), 'the busy tasks to start');
    const queued = [0, 1, 2].map(() => ex.submit(countRun, c.buffer, 0));
    await ex.shutdown({ wait: true, cancelFutures: true });
    for (const f of queued) {
      expect(f.cancelled(), 'queued future cancelled').to.equal(true);
      expect(await rejectionOf(f)).to.be.instanceOf(CancelledError);
    }
    for (const f of busy) {
      expect(f.cancelled(), 'running future not cancelled').to.equal(false);
      expect(await f).to.equal(300);
    }
    expect(c.read(0), 'runs of the cancelled tasks').to.equal(0);
  });

  it('shutdown({ wait: true }) resolves only once every queued future is done, none cancelled', async function () {
    const ex = makeExecutor();
    const futures = [0, 1, 2, 3, 4].map((i) => ex.submit(sleepThen, 50, i));
    await ex.shutdown({ wait: true });
    expect(futures.map((f) => f.done())).to.deep.equal([true, true, true, true, true]);
    expect(futures.some((f) => f.cancelled())).to.equal(false);
    expect(await Promise.all(futures)).to.deep.equal([0, 1, 2, 3, 4]);
  });

  it('shutdown() waits by default', async function () {
    const ex = makeExecutor();
    const futures = [0, 1, 2].map((i) => ex.submit(sleepThen, 30, i));
    await ex.shutdown();
    expect(futures.every((f) => f.done() && !f.cancelled())).to.equal(true);
  });

  it('shutdown({ wait: false }) resolves before the work is done, and the work goes on', async function () {
    const ex = makeExecutor();
    const f = ex.submit(sleepTask, 1_500);
    await ex.shutdown({ wait: false });
    expect(f.done(), 'done when shutdown({ wait: false }) resolved').to.equal(false);
    expect(await f).to.equal(1_500);
  });

  it('calling shutdown again, or concurrently, is harmless', async function () {
    const ex = makeExecutor();
    const f = ex.submit(sleepTask, 50);
    await Promise.all([ex.shutdown(), ex.shutdown({ wait: false }), ex.shutdown({ wait: true })]);
    await ex.shutdown();
    expect(await f).to.equal(50);
  });

  it('shutdown of an executor that never ran anything resolves', async function () {
    const ex = makeExecutor();
    await ex.shutdown();
    await ex.shutdown();
  });

  it('`await using` shuts the executor down (waiting) at the end of the block', async function () {
    let f: (PromiseLike<number> & { done(): boolean }) | undefined;
    let escaped: ReturnType<typeof makeExecutor> | undefined;
    {
      await using ex = makeExecutor();
      escaped = ex;
      f = ex.submit(sleepTask, 100);
    }
    expect(f!.done(), 'the task finished before the block was left').to.equal(true);
    expect(await f!).to.equal(100);
    expect(() => escaped!.submit(() => 1)).to.throw(ExecutorShutdownError);
  });
});

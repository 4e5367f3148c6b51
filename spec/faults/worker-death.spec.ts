/**
 * Issue 4: every way a worker can die fails only the task it was running, with the right
 * error; the pool replaces the worker, the tasks queued with it are not lost, and the
 * executor keeps serving.
 */
import { expect } from 'chai';
import { TaskTimeoutError, WorkerCrashedError, task, type Future, type ThreadPoolExecutor } from '../../lib/index.js';
import { hang, oddOf, rejectionOf, sleepThen, usePools, waitUntil, within } from '../fixtures/faults-helpers.js';

/** Submits 10 fresh tasks and checks that every one succeeds with its own value. */
async function expectNextTenSucceed(ex: ThreadPoolExecutor): Promise<void> {
  const futures = Array.from({ length: 10 }, (_, i) => ex.submit(oddOf, 100 + i));
  const values = await within(Promise.all(futures), 'the next 10 tasks');
  expect(values).to.deep.equal(Array.from({ length: 10 }, (_, i) => 2 * (100 + i) + 1));
}

/** Tasks submitted in the same tick as the faulty one (so some are sent ahead to its worker). */
function submitNeighbours(ex: ThreadPoolExecutor, n = 8): Future<number>[] {
  return Array.from({ length: n }, (_, i) => ex.submit(sleepThen<number>, 5, i));
}

async function expectNeighboursComplete(neighbours: Future<number>[]): Promise<void> {
  const values = await within(Promise.all(neighbours), 'the tasks queued with the faulty one');
  expect(values).to.deep.equal(neighbours.map((_, i) => i));
}

/** The pool is back to `n` workers (the dead one was replaced). */
async function expectWorkersBack(ex: ThreadPoolExecutor, n: number): Promise<void> {
  await waitUntil(() => ex.stats().workers === n, `stats().workers to come back to ${n} (now ${ex.stats().workers})`);
}

describe('faults: worker death', function () {
  this.timeout(30_000);
  const pool = usePools();

  it('process.exit(3) inside a task fails that task with WorkerCrashedError (exitCode 3); the queued ones complete', async function () {
    const ex = pool({ maxWorkers: 2, idleTimeout: 60_000 });
    const faulty = ex.submit(() => process.exit(3));
    const neighbours = submitNeighbours(ex);
    const err = await rejectionOf(faulty);
    expect(err).to.be.instanceOf(WorkerCrashedError);
    expect((err as WorkerCrashedError).name).to.equal('WorkerCrashedError');
    expect((err as WorkerCrashedError).exitCode).to.equal(3);
    expect((err as WorkerCrashedError).reason).to.match(/exit/);
    await expectNeighboursComplete(neighbours);
    await expectNextTenSucceed(ex);
    await expectWorkersBack(ex, 2);
    expect(ex.stats().failed).to.equal(1);
  });

  it('process.exit(0) inside a task is a crash too (the task never returned)', async function () {
    const ex = pool({ maxWorkers: 1, idleTimeout: 60_000 });
    const faulty = ex.submit(() => process.exit(0));
    const neighbours = submitNeighbours(ex, 4);
    const err = await rejectionOf(faulty);
    expect(err).to.be.instanceOf(WorkerCrashedError);
    expect((err as WorkerCrashedError).exitCode).to.equal(0);
    await expectNeighboursComplete(neighbours);
    await expectNextTenSucceed(ex);
  });

  it('an uncaught asynchronous throw fails that task with WorkerCrashedError naming the error', async function () {
    const ex = pool({ maxWorkers: 2, idleTimeout: 60_000 });
    const faulty = ex.submit(() => {
      setTimeout(() => {
        throw new Error('async kaboom');
      });
      return new Promise<never>(() => {});
    });
    const neighbours = submitNeighbours(ex);
    const err = await rejectionOf(faulty);
    expect(err).to.be.instanceOf(WorkerCrashedError);
    expect((err as WorkerCrashedError).reason).to.include('async kaboom');
    expect((err as Error).message).to.include('async kaboom');
    await expectNeighboursComplete(neighbours);
    await expectNextTenSucceed(ex);
    await expectWorkersBack(ex, 2);
  });

  it('an unhandled rejection fails that task with WorkerCrashedError naming the reason', async function () {
    const ex = pool({ maxWorkers: 2, idleTimeout: 60_000 });
    const faulty = ex.submit(() => {
      void Promise.reject(new Error('nobody handles me'));
      return new Promise<never>(() => {});
    });
    const neighbours = submitNeighbours(ex);
    const err = await rejectionOf(faulty);
    expect(err).to.be.instanceOf(WorkerCrashedError);
    expect((err as WorkerCrashedError).reason).to.include('nobody handles me');
    await expectNeighboursComplete(neighbours);
    await expectNextTenSucceed(ex);
    await expectWorkersBack(ex, 2);
  });

  it('out of memory under resourceLimits fails that task with WorkerCrashedError; the host survives', async function () {
    const ex = pool({
      maxWorkers: 2,
      idleTimeout: 60_000,
      resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 },
    });
    const faulty = ex.submit(() => {
      const hoard: number[][] = [];
      for (;;) hoard.push(new Array(100_000).fill(hoard.length));
    });
    const neighbours = submitNeighbours(ex);
    const err = await rejectionOf(faulty, 25_000);
    expect(err).to.be.instanceOf(WorkerCrashedError);
    expect((err as WorkerCrashedError).reason).to.match(/memory/i);
    await expectNeighboursComplete(neighbours);
    await expectNextTenSucceed(ex);
    await expectWorkersBack(ex, 2);
  });

  it('taskTimeout fails a hung task with TaskTimeoutError; the queued ones complete and the worker is replaced', async function () {
    const ex = pool({ maxWorkers: 1, idleTimeout: 60_000, taskTimeout: 300 });
    const faulty = ex.submit(hang);
    const neighbours = submitNeighbours(ex, 4);
    const err = await rejectionOf(faulty);
    expect(err).to.be.instanceOf(TaskTimeoutError);
    expect((err as TaskTimeoutError).name).to.equal('TaskTimeoutError');
    expect((err as TaskTimeoutError).timeoutMs).to.equal(300);
    await expectNeighboursComplete(neighbours);
    await expectNextTenSucceed(ex);
    await expectWorkersBack(ex, 1);
  });

  it('taskTimeout counts from when the task starts, not from when it was queued', async function () {
    // One worker, timeout 2000 ms: each task runs 1200 ms (well inside), the second one
    // waits 1200 ms first, so it completes 2400 ms after submission: past the timeout
    // if the library measured from the queue.
    const ex = pool({ maxWorkers: 1, idleTimeout: 60_000, taskTimeout: 2000 });
    const first = ex.submit(sleepThen<string>, 1200, 'first');
    const second = ex.submit(sleepThen<string>, 1200, 'second');
    expect(await within(first, 'first')).to.equal('first');
    expect(await within(second, 'second')).to.equal('second');
    await expectNextTenSucceed(ex);
  });

  it('a per-map taskTimeout fails the hung item with TaskTimeoutError; the others are fine (errors: "end")', async function () {
    const ex = pool({ maxWorkers: 2, idleTimeout: 60_000 });
    const items = [1, 2, -1, 4, 5, 6];
    const seen: number[] = [];
    const err = await rejectionOf(
      (async () => {
        for await (const v of ex.map((x: number) => (x < 0 ? new Promise<number>(() => {}) : x * 10), items, {
          taskTimeout: 300,
          errors: 'end',
        })) {
          seen.push(v);
        }
      })(),
    );
    expect(err).to.be.instanceOf(TaskTimeoutError);
    expect(seen).to.deep.equal([10, 20, 40, 50, 60]);
    await expectNextTenSucceed(ex);
  });

  it('a completed task is not failed by a crash of the task queued after it on the same worker', async function () {
    // One worker; quick tasks then an exiting one, all sent ahead in one batch. The quick
    // tasks finished before the crash: their results must not be lost.
    const ex = pool({ maxWorkers: 1, idleTimeout: 60_000 });
    await ex.submit(oddOf, 0); // the worker is up, so everything below goes in one batch
    const before = Array.from({ length: 5 }, (_, i) => ex.submit(oddOf, i));
    const faulty = ex.submit(() => process.exit(5));
    const after = Array.from({ length: 5 }, (_, i) => ex.submit(oddOf, 10 + i));
    const outcomes = await within(Promise.allSettled(before), 'the tasks before the crash');
    const lost = outcomes.filter((o) => o.status === 'rejected');
    expect(
      lost.map((o) => String((o as PromiseRejectedResult).reason)),
      'completed tasks failed by a later crash',
    ).to.deep.equal([]);
    expect((await rejectionOf(faulty)) as WorkerCrashedError).to.be.instanceOf(WorkerCrashedError);
    expect(await within(Promise.all(after), 'the tasks after the crash')).to.deep.equal([21, 23, 25, 27, 29]);
  });

  it('a worker killed by repeated crashes keeps being replaced: 20 exits in a row, then 10 good tasks', async function () {
    const ex = pool({ maxWorkers: 2, idleTimeout: 60_000 });
    const faulty = Array.from({ length: 20 }, (_, i) => ex.submit((code: number) => process.exit(code), 10 + i));
    const errors = await Promise.all(faulty.map((f) => rejectionOf(f)));
    for (const [i, e] of errors.entries()) {
      expect(e).to.be.instanceOf(WorkerCrashedError);
      expect((e as WorkerCrashedError).exitCode).to.equal(10 + i);
    }
    await expectNextTenSucceed(ex);
    expect(ex.stats()).to.include({ failed: 20, completed: 10 });
  });

  it('a task module that throws on import fails its tasks with that error; the executor keeps serving', async function () {
    const ex = pool({ maxWorkers: 2, idleTimeout: 60_000 });
    const broken = task<() => number>(new URL('../fixtures/faults-throws-on-import.js', import.meta.url), 'never');
    const futures = [ex.submit(broken), ex.submit(broken)];
    for (const f of futures) {
      const err = await rejectionOf(f);
      expect((err as Error).message).to.include('refuses to load');
    }
    await expectNextTenSucceed(ex);
  });

  it('stats() counts the crash as failed and nothing stays queued or running', async function () {
    const ex = pool({ maxWorkers: 2, idleTimeout: 60_000 });
    const faulty = ex.submit(() => process.exit(9));
    const neighbours = submitNeighbours(ex, 6);
    await rejectionOf(faulty);
    await expectNeighboursComplete(neighbours);
    await waitUntil(() => ex.stats().running === 0, 'running to drop to 0');
    expect(ex.stats()).to.include({ failed: 1, completed: 6, queued: 0, running: 0, cancelled: 0 });
  });
});

/**
 * Cancellation inside a task (API.md): the running task's signal aborts with the reason
 * its future gets; a task that settles in time keeps its worker (same thread or process,
 * no respawn); one that ignores the signal is terminated after cancelGrace; a synchronous
 * one, which cannot hear, at once. Progress reaches Future.progress$ in order. On both
 * pools: threads and child processes take the same stop path.
 */
import { expect } from 'chai';
import { from, lastValueFrom, toArray } from 'rxjs';
import { TaskTimeoutError, parallelMap, task } from '../../lib/index.js';
import * as Tasks from '../fixtures/cooperative-tasks.js';
import type { CounterHandle } from '../fixtures/counting.js';
import { forEachPool, rejectionOf, waitUntil } from '../helpers/executors.js';

const fixture = new URL('../fixtures/cooperative-tasks.js', import.meta.url);
const waitForAbort = task<typeof Tasks.waitForAbort>(fixture, 'waitForAbort');
const ignoreAbort = task<typeof Tasks.ignoreAbort>(fixture, 'ignoreAbort');
const spinForever = task<typeof Tasks.spinForever>(fixture, 'spinForever');
const countWithProgress = task<typeof Tasks.countWithProgress>(fixture, 'countWithProgress');
const whichThread = task<typeof Tasks.whichThread>(fixture, 'whichThread');

forEachPool('cancellation inside a task: currentSignal, cancelGrace, progress$', (makePool, kind) => {
  const counters = (n: number) => kind.counters(n);

  /** Subscribes parallelMap(fn) over one item and unsubscribes once it runs; resolves then. */
  async function cancelWhileRunning(
    ex: ReturnType<typeof makePool>,
    fn: typeof waitForAbort,
    c: { buffer: CounterHandle; read(index: number): number },
  ) {
    const sub = from([c.buffer])
      .pipe(parallelMap(fn, { executor: ex }))
      .subscribe({ error: () => {} });
    await waitUntil(() => c.read(1) === 1, 'the task to run');
    const t0 = Date.now();
    sub.unsubscribe();
    return t0;
  }

  it('unsubscribing aborts the signal with a CancelledError; the task stops and the next one runs on the same worker', async () => {
    const ex = makePool({ maxWorkers: 1 });
    const before = await ex.submit(whichThread);
    const c = counters(2);
    await cancelWhileRunning(ex, waitForAbort, c);
    await waitUntil(() => c.read(0) !== 0, 'the task to see its signal abort');
    expect(c.read(0)).to.equal(Tasks.REASON.CancelledError);
    expect(await ex.submit(whichThread)).to.equal(before);
    expect(ex.stats()).to.include({ workers: 1, cancelled: 1 });
  });

  it('taskTimeout aborts the signal with a TaskTimeoutError, which the future gets; the worker is kept', async () => {
    const ex = makePool({ maxWorkers: 1, taskTimeout: 200 });
    const before = await ex.submit(whichThread);
    const c = counters(2);
    const err = await rejectionOf(ex.submit(waitForAbort, c.buffer));
    expect(err).to.be.instanceOf(TaskTimeoutError);
    await waitUntil(() => c.read(0) !== 0, 'the task to see its signal abort');
    expect(c.read(0)).to.equal(Tasks.REASON.TaskTimeoutError);
    expect(await ex.submit(whichThread)).to.equal(before);
  });

  it('a task that ignores its signal is terminated after cancelGrace, and its worker replaced', async () => {
    const ex = makePool({ maxWorkers: 1, cancelGrace: 400 });
    const before = await ex.submit(whichThread);
    const c = counters(2);
    const t0 = await cancelWhileRunning(ex, ignoreAbort, c);
    const after = await ex.submit(whichThread);
    expect(after).to.not.equal(before);
    expect(Date.now() - t0).to.be.at.least(390); // not before its grace ran out
  });

  it('a synchronous task, which no signal can reach, is terminated without waiting for the grace', async () => {
    const ex = makePool({ maxWorkers: 1, cancelGrace: 20_000 });
    const before = await ex.submit(whichThread);
    const c = counters(2);
    const t0 = await cancelWhileRunning(ex, spinForever, c);
    expect(await ex.submit(whichThread)).to.not.equal(before);
    expect(Date.now() - t0).to.be.below(10_000); // far below its 20 s grace
  });

  it('cancelGrace: 0 (a map option) terminates at once, as before', async () => {
    const ex = makePool({ maxWorkers: 1 });
    const before = await ex.submit(whichThread);
    const c = counters(2);
    const sub = from([c.buffer])
      .pipe(parallelMap(waitForAbort, { executor: ex, cancelGrace: 0 }))
      .subscribe({ error: () => {} });
    await waitUntil(() => c.read(1) === 1, 'the task to run');
    sub.unsubscribe();
    expect(await ex.submit(whichThread)).to.not.equal(before);
    expect(c.read(0)).to.equal(0); // it never saw the abort
  });

  it('future.cancel() of a running task is still false; the task runs on', async () => {
    const ex = makePool({ maxWorkers: 1 });
    const f = ex.submit(countWithProgress, 3);
    await waitUntil(() => f.running(), 'the task to run');
    expect(f.cancel()).to.equal(false);
    expect(await f).to.equal(3);
  });

  it('progress$ emits each reportProgress in order, completes when done, and replays the latest to a late subscriber', async () => {
    const ex = makePool({ maxWorkers: 1 });
    const f = ex.submit(countWithProgress, 5);
    const seen = lastValueFrom(f.progress$.pipe(toArray()));
    expect(await f).to.equal(5);
    expect(await seen).to.deep.equal([1, 2, 3, 4, 5]);
    expect(await lastValueFrom(f.progress$.pipe(toArray()))).to.deep.equal([5]);
  });

  it('inline tasks reach rxjs-futures/worker with await import()', async () => {
    const ex = makePool({ maxWorkers: 1 });
    const f = ex.submit(async (n: number) => {
      const { currentSignal, reportProgress } = await import('rxjs-futures/worker');
      reportProgress('half');
      return currentSignal().aborted ? -1 : n * 2;
    }, 21);
    const progress = lastValueFrom(f.progress$.pipe(toArray()));
    expect(await f).to.equal(42);
    expect(await progress).to.deep.equal(['half']);
  });
});

describe('rxjs-futures/worker outside a task', function () {
  it('currentSignal() and reportProgress() throw an Error that says so', async () => {
    const { currentSignal, reportProgress } = await import('rxjs-futures/worker');
    expect(() => currentSignal()).to.throw(Error, /only works inside a task/);
    expect(() => reportProgress(1)).to.throw(Error, /only works inside a task/);
  });
});

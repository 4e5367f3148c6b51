import { expect } from 'chai';
import { CancelledError } from '../../../lib/index.js';
import { countRun, forEachExecutor, rejectionOf, sleepTask, waitUntil } from '../../helpers/executors.js';

forEachExecutor('Future.cancel() on submitted tasks', (makeExecutor, kind) => {
  it('cancel() right after submit returns true, and the task never runs', async function () {
    const ex = makeExecutor();
    const c = kind.counters();
    const f = ex.submit(countRun, c.buffer, 0);
    expect(f.cancel()).to.equal(true);
    expect(f.cancelled()).to.equal(true);
    expect(f.done()).to.equal(true);
    expect(await rejectionOf(f)).to.be.instanceOf(CancelledError);
    // A later task runs, so the cancelled one had every chance to run before it.
    expect(await ex.submit(countRun, c.buffer, 1)).to.equal(1);
    expect(c.read(0)).to.equal(0);
  });

  it('cancel() on a future queued behind a busy executor returns true, and it never runs', async function () {
    const ex = makeExecutor();
    const c = kind.counters();
    const busy = Array.from({ length: kind.parallelism }, () => ex.submit(sleepTask, 300));
    await waitUntil(() => busy.every((f) => f.running()), 'the busy tasks to start');
    const queued = ex.submit(countRun, c.buffer, 0);
    expect(queued.running()).to.equal(false);
    expect(queued.cancel()).to.equal(true);
    expect(queued.cancelled()).to.equal(true);
    expect(await rejectionOf(queued.result())).to.be.instanceOf(CancelledError);
    expect(await Promise.all(busy)).to.deep.equal(busy.map(() => 300));
    expect(await ex.submit(countRun, c.buffer, 1)).to.equal(1);
    expect(c.read(0), 'runs of the cancelled task').to.equal(0);
  });

  it('cancel() on a running future returns false, and it finishes with its value', async function () {
    const ex = makeExecutor();
    const f = ex.submit(sleepTask, 300);
    await waitUntil(() => f.running(), 'the task to start');
    expect(f.cancel()).to.equal(false);
    expect(f.cancelled()).to.equal(false);
    expect(f.running()).to.equal(true);
    expect(await f).to.equal(300);
  });

  it('cancel() on a finished future returns false and keeps the value', async function () {
    const ex = makeExecutor();
    const f = ex.submit(() => 'v');
    await f;
    expect(f.cancel()).to.equal(false);
    expect(await f.result()).to.equal('v');
  });

  it('a cancelled future runs its done callbacks and errors its subscribers with CancelledError', async function () {
    const ex = makeExecutor();
    const busy = Array.from({ length: kind.parallelism }, () => ex.submit(sleepTask, 200));
    const f = ex.submit(() => 1);
    let callbackSawCancelled: boolean | undefined;
    let observed: unknown;
    f.addDoneCallback((g) => (callbackSawCancelled = g.cancelled()));
    f.subscribe({ error: (e) => (observed = e) });
    expect(f.cancel()).to.equal(true);
    expect(callbackSawCancelled).to.equal(true);
    expect(observed).to.be.instanceOf(CancelledError);
    await Promise.all(busy);
  });

  it('cancelling a queued future does not disturb the others', async function () {
    const ex = makeExecutor();
    const futures = [1, 2, 3, 4, 5].map((x) => ex.submit((v: number) => v * 10, x));
    expect(futures[2]!.cancel()).to.equal(true);
    const outcomes = await Promise.allSettled(futures.map((f) => f.result()));
    expect(outcomes.map((o) => (o.status === 'fulfilled' ? o.value : 'rejected'))).to.deep.equal([
      10,
      20,
      'rejected',
      40,
      50,
    ]);
  });
});

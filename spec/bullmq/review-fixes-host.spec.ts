/**
 * Host-side defects found in review: what the executor must survive (a corrupt job hash, a
 * poisoned event stream), stats$ that counts the last completion, and an addBulk that Redis
 * refused only in part.
 */
import { expect } from 'chai';
import { add, countWithProgress, sleepThen } from './remote-tasks.js';
import { waitUntil } from '../helpers/executors.js';
import { until, useCluster } from './cluster.js';
import type { ExecutorStats } from '../../lib/index.js';

describe('BullMQ review fixes: the host side', function () {
  this.timeout(60_000);
  const cluster = useCluster();
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  // Mocha's own listener would fail the test too; this one says what it was.
  beforeEach(() => process.on('unhandledRejection', onUnhandled));
  afterEach(() => {
    process.off('unhandledRejection', onUnhandled);
    unhandled.length = 0;
  });

  it('a job hash with a corrupt return value fails only its own future, with a clear error, and the host lives on', async () => {
    const ex = cluster.executor();
    const r = cluster.redis();
    const q = `bull:${cluster.queue}`;
    const corrupt = ex.submit(add, 1, 1); // no worker: it waits in Redis
    const fine = ex.submit(add, 2, 2);
    await until(async () => (await r.llen(`${q}:wait`)) === 2, 'the jobs to be in Redis');
    const [, id] = await r.lrange(`${q}:wait`, 0, -1); // the first added is the last in the list
    // Finished behind the event stream's back, with what no worker of ours writes.
    await r.hset(`${q}:${id}`, 'finishedOn', String(Date.now()), 'returnvalue', '{not json');
    await r.lrem(`${q}:wait`, 0, id!);
    const err = await corrupt.exception(30_000); // read back by the reconciler's sweep
    expect((err as Error).message).to.match(/could not be read back/);
    expect(unhandled).to.deep.equal([]);
    expect(fine.done()).to.equal(false);
    await cluster.startWorker();
    expect(await fine.result(20_000)).to.equal(4);
  });

  it('a poisoned event stream (an entry BullMQ cannot parse) does not stop the events: progress and starts still arrive', async () => {
    await cluster.startWorker();
    const ex = cluster.executor();
    expect(await ex.submit(add, 1, 1)).to.equal(2); // the executor listens
    const r = cluster.redis();
    const events = `bull:${cluster.queue}:events`;
    await r.xadd(events, '*', 'event', 'completed', 'jobId', 'foreign-1', 'returnvalue', '{not json');
    await r.xadd(events, '*', 'event', 'progress', 'jobId', 'foreign-2', 'data', 'not json either');
    // Only the event stream tells a start (the reconciler reads outcomes, nothing else): once
    // this one is seen, the loop is past both entries.
    const slow = ex.submit(sleepThen, 4000, 'slow');
    await waitUntil(() => slow.running(), 'the start of a later task to be seen', 20_000);
    expect(await slow).to.equal('slow');
    // Progress too travels only by the event stream.
    const seen: unknown[] = [];
    const f = ex.submit(countWithProgress, 3);
    f.progress$.subscribe((p) => seen.push(p));
    expect(await f.result(30_000)).to.equal(3);
    await waitUntil(
      () => seen.length === 3,
      () => `3 progress values, got ${seen.length}`,
      10_000,
    );
    expect(unhandled).to.deep.equal([]);
  });

  it('stats$ emits the completion with the task counted: the last emission says completed 1', async () => {
    await cluster.startWorker();
    const ex = cluster.executor();
    const seen: ExecutorStats[] = [];
    const sub = ex.stats$.subscribe((s) => seen.push(s));
    try {
      expect(await ex.submit(add, 1, 2)).to.equal(3);
      await new Promise((resolve) => setTimeout(resolve, 100));
      const submitted = seen.findIndex((s) => s.queued + s.running > 0);
      expect(submitted).to.be.at.least(0);
      const after = seen.slice(submitted).filter((s) => s.queued + s.running === 0);
      expect(after.length).to.be.at.least(1);
      // None shows the task gone from queued/running but not yet counted.
      for (const s of after) expect(s).to.include({ completed: 1 });
    } finally {
      sub.unsubscribe();
    }
  });

  it('an addBulk that Redis refused in part fails only the refused job; the others run and settle', async () => {
    const ex = cluster.executor();
    const r = cluster.redis();
    const q = `bull:${cluster.queue}`;
    const first = ex.submit(add, 0, 1); // job <prefix>0, waiting: it shows the prefix
    await until(async () => (await r.llen(`${q}:wait`)) === 1, 'the first job in Redis');
    const [firstId] = await r.lrange(`${q}:wait`, 0, 0);
    const prefix = firstId!.slice(0, -1);
    // The second job of the next burst collides with a key that is not a job: its add fails.
    await r.set(`${q}:${prefix}2`, 'not a job');
    const burst = [ex.submit(add, 1, 1), ex.submit(add, 2, 2), ex.submit(add, 3, 3)];
    const refused = await burst[1]!.exception(20_000);
    expect((refused as Error).message).to.match(/Redis refused to queue the job/);
    await cluster.startWorker();
    expect(await first.result(20_000)).to.equal(1);
    expect(await burst[0]!.result(20_000)).to.equal(2);
    expect(await burst[2]!.result(20_000)).to.equal(6);
    expect(unhandled).to.deep.equal([]);
  });
});

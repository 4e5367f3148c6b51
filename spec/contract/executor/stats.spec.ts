import { expect } from 'chai';
import { firstValueFrom, toArray } from 'rxjs';
import type { ExecutorStats } from '../../../lib/index.js';
import { delay, forEachExecutor, sleepTask } from '../../helpers/executors.js';

const KEYS = ['workers', 'idleWorkers', 'queued', 'running', 'completed', 'failed', 'cancelled'];

forEachExecutor('Executor.stats() and stats$', (makeExecutor, kind) => {
  it('a new executor reports zero tasks of every kind', function () {
    const ex = makeExecutor();
    const s = ex.stats();
    expect(Object.keys(s)).to.include.members(KEYS);
    for (const k of KEYS) expect(s[k as keyof ExecutorStats], k).to.be.a('number');
    expect([s.queued, s.running, s.completed, s.failed, s.cancelled]).to.deep.equal([0, 0, 0, 0, 0]);
  });

  it('counts completed (successes only), failed and cancelled tasks', async function () {
    const ex = makeExecutor();
    const ok = [1, 2, 3].map((x) => ex.submit((v: number) => v, x));
    const bad = [1, 2].map(() =>
      ex.submit(() => {
        throw new Error('counted as failed');
      }),
    );
    const cancelled = ex.submit(() => 'never');
    expect(cancelled.cancel()).to.equal(true);
    await Promise.allSettled([...ok, ...bad].map((f) => f.result()));
    await delay(0);
    const s = ex.stats();
    expect({
      completed: s.completed,
      failed: s.failed,
      cancelled: s.cancelled,
      queued: s.queued,
      running: s.running,
    }).to.deep.equal({
      completed: 3,
      failed: 2,
      cancelled: 1,
      queued: 0,
      running: 0,
    });
  });

  it('counts tasks, not chunks: a map of 7 items with chunksize 3 completes 7', async function () {
    const ex = makeExecutor();
    await firstValueFrom(ex.map((x: number) => x, [1, 2, 3, 4, 5, 6, 7], { chunksize: 3 }).pipe(toArray()));
    await delay(0);
    expect(ex.stats().completed).to.equal(7);
  });

  it('running never exceeds the executor parallelism (maxWorkers), and is seen above 0', async function () {
    const ex = makeExecutor();
    const seen: ExecutorStats[] = [];
    const sub = ex.stats$.subscribe((s) => seen.push({ ...s }));
    const futures = Array.from({ length: 3 * kind.parallelism + 1 }, () => ex.submit(sleepTask, 50));
    const poll = setInterval(() => seen.push(ex.stats()), 5);
    try {
      await Promise.all(futures);
    } finally {
      clearInterval(poll);
      sub.unsubscribe();
    }
    const maxRunning = Math.max(...seen.map((s) => s.running));
    expect(maxRunning).to.be.at.most(kind.parallelism);
    expect(maxRunning).to.be.at.least(1);
    if (!kind.inline) expect(Math.max(...seen.map((s) => s.workers))).to.be.at.most(kind.parallelism);
    expect(Math.min(...seen.map((s) => s.queued))).to.be.at.least(0);
  });

  it('stats$ emits the current stats synchronously on subscribe', function () {
    const ex = makeExecutor();
    let got: ExecutorStats | undefined;
    ex.stats$.subscribe((s) => (got = s)).unsubscribe();
    expect(got).to.deep.equal(ex.stats());
  });

  it('stats$ emits again when tasks change state, ending with the final counts', async function () {
    const ex = makeExecutor();
    const seen: ExecutorStats[] = [];
    const sub = ex.stats$.subscribe((s) => seen.push({ ...s }));
    await ex.submit((x: number) => x, 1);
    await delay(0);
    sub.unsubscribe();
    expect(seen.length).to.be.at.least(2);
    expect(seen[seen.length - 1]!.completed).to.equal(1);
  });
});

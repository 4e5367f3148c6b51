import { expect } from 'chai';
import { sleepTask, usePools, waitUntil } from '../helpers/executors.js';

describe('ThreadPoolExecutor workers', function () {
  const makePool = usePools();

  it('start lazily: none before the first task', async function () {
    const ex = makePool({ maxWorkers: 2, minWorkers: 1 });
    await new Promise((r) => setTimeout(r, 50));
    expect(ex.stats().workers).to.equal(0);
    await ex.submit(() => 1);
    expect(ex.stats().workers).to.be.at.least(1);
  });

  it('never exceed maxWorkers', async function () {
    const ex = makePool({ maxWorkers: 2 });
    const futures = Array.from({ length: 8 }, () => ex.submit(sleepTask, 30));
    let maxWorkers = 0;
    const sub = ex.stats$.subscribe((s) => (maxWorkers = Math.max(maxWorkers, s.workers)));
    await Promise.all(futures);
    sub.unsubscribe();
    expect(maxWorkers).to.be.within(1, 2);
  });

  it('idle workers above minWorkers exit after idleTimeout', async function () {
    const ex = makePool({ maxWorkers: 2, minWorkers: 1, idleTimeout: 100 });
    await Promise.all([ex.submit(sleepTask, 100), ex.submit(sleepTask, 100)]);
    await waitUntil(() => ex.stats().workers === 1, 'the pool to shrink to minWorkers');
    await new Promise((r) => setTimeout(r, 300));
    expect(ex.stats().workers, 'minWorkers are kept').to.equal(1);
  });

  it('shutdown({ wait: true }) resolves once the workers have exited', async function () {
    const ex = makePool({ maxWorkers: 2, minWorkers: 2 });
    await Promise.all([ex.submit(sleepTask, 20), ex.submit(sleepTask, 20)]);
    await ex.shutdown({ wait: true });
    expect(ex.stats().workers).to.equal(0);
  });
});

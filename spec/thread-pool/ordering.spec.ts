import { expect } from 'chai';
import { firstValueFrom, toArray } from 'rxjs';
import { sleepTask, usePools } from '../helpers/executors.js';

/** Sleeps `ms`, then returns `index`. */
const sleepIndex = ([ms, index]: [number, number]): Promise<number> =>
  new Promise((r) => setTimeout(() => r(index), ms));

const ITEMS: [number, number][] = [
  [400, 1],
  [100, 2],
  [300, 3],
  [200, 4],
];

describe('ThreadPoolExecutor.map ordering with 4 workers', function () {
  const makePool = usePools();

  async function warmPool() {
    const ex = makePool({ maxWorkers: 4, minWorkers: 4 });
    // Start all four workers first, so worker start-up time does not skew the delays.
    await Promise.all([0, 1, 2, 3].map(() => ex.submit(sleepTask, 100)));
    return ex;
  }

  it('unordered map over delays 400, 100, 300, 200 ms yields 2, 4, 3, 1 (completion order)', async function () {
    const ex = await warmPool();
    const out = await firstValueFrom(ex.map(sleepIndex, ITEMS, { ordered: false, chunksize: 1 }).pipe(toArray()));
    expect(out).to.deep.equal([2, 4, 3, 1]);
  });

  it('ordered map over delays 400, 100, 300, 200 ms yields 1, 2, 3, 4 (input order)', async function () {
    const ex = await warmPool();
    const out = await firstValueFrom(ex.map(sleepIndex, ITEMS, { chunksize: 1 }).pipe(toArray()));
    expect(out).to.deep.equal([1, 2, 3, 4]);
  });

  it('tasks run in parallel: 4 sleeping tasks on 4 workers are all running at once', async function () {
    const ex = await warmPool();
    let maxRunning = 0;
    const sub = ex.stats$.subscribe((s) => (maxRunning = Math.max(maxRunning, s.running)));
    const poll = setInterval(() => (maxRunning = Math.max(maxRunning, ex.stats().running)), 5);
    try {
      await Promise.all([0, 1, 2, 3].map(() => ex.submit(sleepTask, 300)));
    } finally {
      clearInterval(poll);
      sub.unsubscribe();
    }
    expect(maxRunning).to.equal(4);
  });
});

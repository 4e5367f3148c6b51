/**
 * A finished result goes home before its worker starts anything else: a quick task's
 * result never waits behind a slow task queued after it on the same worker.
 */
import { expect } from 'chai';
import { firstValueFrom } from 'rxjs';
import { ThreadPoolExecutor } from '../../lib/index.js';
import { spinFor } from '../helpers/executors.js';

describe('ThreadPoolExecutor: result latency on a busy worker', function () {
  this.timeout(20_000);
  const SLOW_MS = 1500;
  let ex: ThreadPoolExecutor;
  beforeEach(async () => {
    ex = new ThreadPoolExecutor({ maxWorkers: 1 });
    await ex.submit(spinFor, 0); // the worker is up: only the two tasks below are timed
  });
  afterEach(() => ex.shutdown({ cancelFutures: true }));

  it('submit(quick) then submit(slow) of the same function: the quick future settles long before the slow one', async () => {
    const t0 = performance.now();
    const quick = ex.submit(spinFor, 0);
    const slow = ex.submit(spinFor, SLOW_MS);
    await quick;
    const quickMs = performance.now() - t0;
    expect(slow.done(), 'the slow task is still running').to.equal(false);
    expect(quickMs).to.be.below(SLOW_MS / 2);
    await slow;
  });

  it("an unordered map emits the quick item's result while the slow one still runs", async () => {
    const t0 = performance.now();
    const first = await firstValueFrom(ex.map(spinFor, [0, SLOW_MS], { ordered: false, chunksize: 1 }));
    expect(first).to.equal(0);
    expect(performance.now() - t0).to.be.below(SLOW_MS / 2);
  });
});

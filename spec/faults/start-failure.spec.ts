/**
 * A worker whose construction throws synchronously (here threads.js's BlobWorker, patched
 * for the test; in the field a failing `new SharedArrayBuffer` or Worker constructor)
 * takes the same path as one that died at start: the futures fail, `shutdown()` resolves.
 */
import { expect } from 'chai';
import { BlobWorker } from 'threads';
import { BrokenExecutorError, InlineExecutor, ThreadPoolExecutor } from '../../lib/index.js';
import { rejectionOf, within } from '../fixtures/faults-helpers.js';

describe('faults: a worker that cannot even be constructed', function () {
  const original = BlobWorker.fromText;
  afterEach(() => {
    BlobWorker.fromText = original;
  });

  it('fails the futures with BrokenExecutorError naming the cause; shutdown() resolves; submit then throws', async function () {
    BlobWorker.fromText = () => {
      throw new Error('Worker constructor exploded');
    };
    const ex = new ThreadPoolExecutor({ maxWorkers: 2 });
    const futures = [ex.submit(() => 1), ex.submit(() => 2), ex.submit(() => 3)];
    for (const f of futures) {
      const err = await within(rejectionOf(f), 'the future of a task no worker can run');
      expect(err).to.be.instanceOf(BrokenExecutorError);
      expect((err as Error).message).to.match(/workers cannot start \(Worker constructor exploded\)/);
    }
    expect(() => ex.submit(() => 4)).to.throw(BrokenExecutorError);
    await within(ex.shutdown(), 'shutdown() of the broken executor');
    expect(ex.stats().workers).to.equal(0);
  });

  it('a failure that goes away is retried: the task runs on the next worker that starts', async function () {
    let throws = 1;
    BlobWorker.fromText = function (this: unknown, ...args: Parameters<typeof original>) {
      if (throws-- > 0) throw new Error('transient');
      return original.apply(this, args);
    } as typeof original;
    const ex = new ThreadPoolExecutor({ maxWorkers: 1 });
    try {
      expect(
        await within(
          ex.submit(() => 42),
          'the task after one failed start',
        ),
      ).to.equal(42);
    } finally {
      await ex.shutdown();
    }
  });
});

describe('InlineExecutor.stats$', function () {
  it('its last emission equals stats() once the work is done (the idle state is emitted)', async function () {
    const ex = new InlineExecutor();
    const seen: ReturnType<typeof ex.stats>[] = [];
    const sub = ex.stats$.subscribe((s) => seen.push(s));
    await Promise.all([ex.submit(() => 1), ex.submit(() => 2)]);
    await ex.shutdown();
    sub.unsubscribe();
    expect(seen.at(-1)).to.deep.equal(ex.stats());
    expect(seen.at(-1)).to.include({ idleWorkers: 1, running: 0, queued: 0, completed: 2 });
  });
});

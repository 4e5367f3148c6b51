/**
 * Scheduling (API.md, "Scheduling"): no task waits behind another while a worker is idle
 * (a chunk sent ahead to a busy worker is stolen back), and the 'auto' window widens only
 * behind a slow head, within its memory bound, while a numeric window stays strict.
 */
import { expect } from 'chai';
import { firstValueFrom, from, toArray } from 'rxjs';
import { parallelMap, type Executor } from '../../lib/index.js';
import { counters, delay, forEachPool, spinFor, usePools, waitUntil } from '../helpers/executors.js';

/** Counts its start in `counts[0]`; item 0 then blocks until `counts[1]` is set (the test releases it). */
const countThenMaybeBlock = ([i, buffer]: [number, SharedArrayBuffer]): number => {
  const view = new Int32Array(buffer);
  Atomics.add(view, 0, 1);
  if (i === 0) while (Atomics.load(view, 1) === 0) Atomics.wait(view, 1, 0, 50);
  return i * 10;
};

/** [0, buffer], [1, buffer], … for ever, counting how many were pulled. */
function endless(buffer: SharedArrayBuffer): { items: Iterable<[number, SharedArrayBuffer]>; pulled: number } {
  const counter = { pulled: 0 };
  function* items(): Generator<[number, SharedArrayBuffer]> {
    for (let i = 0; ; i++) {
      counter.pulled++;
      yield [i, buffer];
    }
  }
  return Object.assign(counter, { items: items() });
}

const release = (buffer: SharedArrayBuffer): void => {
  const view = new Int32Array(buffer);
  Atomics.store(view, 1, 1);
  Atomics.notify(view, 1);
};

/** A pool of 2 workers, both started. */
async function startedPool<P extends Executor>(
  makePool: (o: { maxWorkers: number; minWorkers: number }) => P,
): Promise<P> {
  const ex = makePool({ maxWorkers: 2, minWorkers: 2 });
  await Promise.all([ex.submit(spinFor, 20), ex.submit(spinFor, 20)]);
  expect(ex.stats().workers).to.equal(2);
  return ex;
}

forEachPool('scheduling: no idle worker behind a busy one (stealing)', (makePool) => {
  it('submit: a 1,000 ms task then five 10 ms tasks: every short one settles first, each within 500 ms', async function () {
    const ex = await startedPool(makePool);
    const t0 = Date.now();
    const order: string[] = [];
    const long = ex.submit(spinFor, 1000).then(() => order.push('long'));
    const shorts = [0, 1, 2, 3, 4].map((i) =>
      ex.submit(spinFor, 10).then(() => {
        order.push(`short${i}`);
        return Date.now() - t0;
      }),
    );
    const times = await Promise.all(shorts);
    await long;
    expect(order.at(-1)).to.equal('long');
    for (const t of times) expect(t).to.be.below(500);
  });

  it('map(…, { ordered: false, chunksize: 1 }): the same, in completion order', async function () {
    const ex = await startedPool(makePool);
    const t0 = Date.now();
    const arrivals: [number, number][] = [];
    await new Promise<void>((resolve, reject) =>
      ex.map(spinFor, [1000, 10, 10, 10, 10, 10], { ordered: false, chunksize: 1 }).subscribe({
        next: (ms) => arrivals.push([ms, Date.now() - t0]),
        error: reject,
        complete: resolve,
      }),
    );
    expect(arrivals.map(([ms]) => ms)).to.deep.equal([10, 10, 10, 10, 10, 1000]);
    for (const [, t] of arrivals.slice(0, 5)) expect(t).to.be.below(500);
  });
});

describe('ThreadPoolExecutor scheduling: windows', function () {
  const makePool = usePools();

  it('an ordered parallelMap with window: 4 whose head blocks runs exactly the other 3 window items meanwhile', async function () {
    const ex = await startedPool(makePool);
    const { buffer, read } = counters(2);
    const items = Array.from({ length: 12 }, (_, i): [number, SharedArrayBuffer] => [i, buffer]);
    const out = firstValueFrom(
      from(items).pipe(parallelMap(countThenMaybeBlock, { executor: ex, window: 4 }), toArray()),
    );
    try {
      const what = () =>
        `the head and the 3 other window items to start (started: ${read(0)}, ${JSON.stringify(ex.stats())})`;
      await waitUntil(() => read(0) === 4, what);
      await delay(300); // had the bound been loose, more would have started by now
      expect(read(0)).to.equal(4);
    } finally {
      release(buffer);
    }
    expect(await out).to.deep.equal(items.map(([i]) => i * 10));
    expect(read(0)).to.equal(12);
  });

  it("the default 'auto' window widens behind a blocked head, up to 32 × maxWorkers chunks, and no further", async function () {
    const ex = await startedPool(makePool);
    const { buffer, read } = counters(2);
    const source = endless(buffer);
    const got: number[] = [];
    const sub = ex.map(countThenMaybeBlock, source.items, { chunksize: 1 }).subscribe((v) => got.push(v));
    try {
      // 2 × 2 chunks to start with; finished ones behind the head widen it to 32 × 2.
      await waitUntil(() => read(0) >= 64, 'the window to widen to 64 chunks');
      await delay(300);
      expect(read(0)).to.equal(64);
      expect(source.pulled).to.be.within(64, 65);
      expect(got).to.deep.equal([]); // ordered: nothing overtakes the head
      release(buffer);
      await waitUntil(() => got.length >= 500, '500 values once the head is released');
      expect(got.slice(0, 500)).to.deep.equal(Array.from({ length: 500 }, (_, i) => i * 10));
    } finally {
      sub.unsubscribe();
      release(buffer);
    }
  });

  it('with all defaults, an infinite generator is source.pulled a bounded number of items ahead of a blocked head', async function () {
    const ex = await startedPool(makePool);
    const { buffer, read } = counters(2);
    const source = endless(buffer);
    const sub = ex.map(countThenMaybeBlock, source.items).subscribe();
    try {
      await waitUntil(() => read(0) > 64, 'chunks to grow behind the head');
      let before = -1;
      while (source.pulled !== before) {
        before = source.pulled;
        await delay(300);
      }
      // 32 × maxWorkers chunks of at most 4,096 items ('auto' chunking's largest).
      expect(source.pulled).to.be.at.most(64 * 4096 + 1);
    } finally {
      sub.unsubscribe();
      release(buffer);
    }
  });

  it("an unknown window ('fast') is a TypeError at the call; 'auto' is accepted", function () {
    const ex = makePool({ maxWorkers: 1 });
    expect(() => ex.map(spinFor, [1], { window: 'fast' as never })).to.throw(TypeError, /window/);
    expect(() => parallelMap(spinFor, { window: 'fast' as never })).to.throw(TypeError, /window/);
    expect(() => ex.map(spinFor, [1], { window: 'auto' })).not.to.throw();
    expect(() => parallelMap(spinFor, { window: 'auto' })).not.to.throw();
  });
});

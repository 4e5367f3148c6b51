/**
 * Without shared memory, a tiny chunk may be handed to a worker already claimed (no round
 * trip before it starts). Stopping such a chunk before it started must skip it in the
 * worker: it never runs, and the worker, busy with another chunk, is kept.
 */
import { expect } from 'chai';
import { from } from 'rxjs';
import { parallelMap, task, type ProcessPoolExecutor } from '../../lib/index.js';
import type * as Coop from '../fixtures/cooperative-tasks.js';
import { countStartAndEnd, fileCounters, useProcessPools, waitUntil } from '../helpers/executors.js';

const coop = new URL('../fixtures/cooperative-tasks.js', import.meta.url);
const countThenAwaitAbort = task<typeof Coop.countThenAwaitAbort>(coop, 'countThenAwaitAbort');
const whichThread = task<typeof Coop.whichThread>(coop, 'whichThread');

/**
 * A one-child pool (with the fixture module loaded) whose average chunk is tiny, so the next
 * chunks go claimed; and which child it is.
 */
async function tinyAverage(makePool: ReturnType<typeof useProcessPools>): Promise<[ProcessPoolExecutor, string]> {
  const ex = makePool({ maxWorkers: 1 });
  const child = await ex.submit(whichThread);
  for (let i = 0; i < 20; i++) await ex.submit((x: number) => x + 1, i);
  return [ex, child];
}

describe('ProcessPoolExecutor: chunks handed over already claimed', function () {
  this.timeout(30_000);
  const makePool = useProcessPools();

  it('unsubscribing skips a claimed chunk that has not started; the child is kept', async function () {
    const [ex, before] = await tinyAverage(makePool);
    const c = fileCounters();
    // Item 0 runs, and when asked stops in 40 ms (within the 50 ms grace); item 1 waits behind
    // it in the same child and must be skipped at once, not by terminating the child.
    const items: [string, number][] = [
      [c.buffer, 40],
      [c.buffer, 40],
    ];
    const run = ex.starmap(countThenAwaitAbort, items, { chunksize: 1, window: 2 }).subscribe({ error: () => {} });
    await waitUntil(() => c.read(2) === 1, 'item 0 to run');
    run.unsubscribe();
    await waitUntil(() => ex.stats().running === 0 && ex.stats().queued === 0, 'the stop to settle');
    expect(await ex.submit(whichThread), 'the same child').to.equal(before);
    expect(c.read(2), 'items that started').to.equal(1);
    expect(ex.stats().cancelled).to.equal(2);
  });

  it('with cancelRunning: false the claimed chunk is skipped too, and the running one finishes', async function () {
    const [ex, before] = await tinyAverage(makePool);
    const c = fileCounters();
    const run = from([
      { ms: 300, counters: c.buffer },
      { ms: 0, counters: c.buffer },
    ])
      .pipe(parallelMap(countStartAndEnd, { executor: ex, chunksize: 1, window: 2, cancelRunning: false }))
      .subscribe();
    // Not stats().running: a chunk handed over claimed counts as running before it starts.
    await waitUntil(() => c.read(1) === 1, 'item 0 to start');
    run.unsubscribe();
    await waitUntil(() => c.read(0) === 1, 'item 0 to finish');
    await waitUntil(() => ex.stats().running === 0 && ex.stats().queued === 0, 'the chunks to settle');
    expect(await ex.submit(whichThread), 'the same child').to.equal(before);
    expect(c.read(1), 'items that started').to.equal(1);
  });
});

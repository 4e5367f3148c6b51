/**
 * Without shared memory, a chunk of a task measured tiny may be handed to a child already
 * claimed (no round trip before it starts), behind the child's one chunk in flight. Such a
 * chunk must never cost anyone else: stopped before it starts it is skipped (its child kept);
 * a neighbour's crash or timeout requeues it (it never ran); waiting behind a chunk that turns
 * out long, it is recalled for an idle child. One task function whose behaviour its argument
 * picks, so that its average is tiny when it misbehaves.
 */
import { expect } from 'chai';
import { from } from 'rxjs';
import { parallelMap, task, TaskTimeoutError, WorkerCrashedError, type ProcessPoolExecutor } from '../../lib/index.js';
import type * as Coop from '../fixtures/cooperative-tasks.js';
import { countStartAndEnd, fileCounters, useProcessPools, waitUntil } from '../helpers/executors.js';

const coop = new URL('../fixtures/cooperative-tasks.js', import.meta.url);
const countThenAwaitAbort = task<typeof Coop.countThenAwaitAbort>(coop, 'countThenAwaitAbort');
const whichThread = task<typeof Coop.whichThread>(coop, 'whichThread');

/** tiny: 1 at once; 'spin N': busy for N ms; 'sleep N': awaits N ms; 'die': exits after 100 ms; 'hang': never settles. */
const behave = async (how: string): Promise<string | number> => {
  const [what, arg] = how.split(' ');
  const ms = Number(arg);
  if (what === 'spin') for (const end = Date.now() + ms; Date.now() < end;);
  if (what === 'sleep') await new Promise((r) => setTimeout(r, ms));
  if (what === 'die') await new Promise(() => setTimeout(() => process.exit(3), 100));
  if (what === 'hang') await new Promise(() => {});
  return what === 'tiny' ? 1 : how;
};

/** A pool whose `behave` (and the fixture module's tasks) have a tiny average, so the next chunks go claimed. */
async function tinyAverage(
  makePool: ReturnType<typeof useProcessPools>,
  options: Parameters<ReturnType<typeof useProcessPools>>[0] = {},
): Promise<[ProcessPoolExecutor, string]> {
  const ex = makePool({ maxWorkers: 1, ...options });
  const child = await ex.submit(whichThread);
  for (let i = 0; i < 20; i++) await ex.submit(behave, 'tiny');
  return [ex, child];
}

describe('ProcessPoolExecutor: chunks handed over already claimed', function () {
  this.timeout(30_000);
  const makePool = useProcessPools();

  it('unsubscribing skips a claimed chunk that has not started; the child is kept', async function () {
    const [ex, before] = await tinyAverage(makePool);
    for (let i = 0; i < 20; i++) await ex.submit(whichThread);
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

  it("another user's unsubscription never terminates the child running this user's synchronous task", async function () {
    const [ex, before] = await tinyAverage(makePool, { cancelGrace: 0 });
    const a = ex.submit(behave, 'spin 600');
    const b = from(['tiny'])
      .pipe(parallelMap(behave, { executor: ex, chunksize: 1 }))
      .subscribe({ error: () => {} });
    await new Promise((r) => setTimeout(r, 50));
    b.unsubscribe(); // its item waits, claimed, behind A's
    expect(await a).to.equal('spin 600');
    expect(await ex.submit(whichThread), 'the same child').to.equal(before);
  });

  it('a claimed chunk behind one that crashes its child runs on the next child: it never started', async function () {
    const [ex] = await tinyAverage(makePool);
    const killer = ex.submit(behave, 'die');
    const innocent = ex.submit(behave, 'tiny');
    expect(await killer.exception()).to.be.instanceOf(WorkerCrashedError);
    expect(await innocent).to.equal(1);
  });

  it('a claimed chunk behind one that times out (and loses its child) runs on the next child', async function () {
    const [ex] = await tinyAverage(makePool, { taskTimeout: 300 });
    const slow = ex.submit(behave, 'hang');
    const innocent = ex.submit(behave, 'tiny');
    expect(await slow.exception()).to.be.instanceOf(TaskTimeoutError);
    expect(await innocent).to.equal(1);
  });

  it('a claimed chunk waiting behind an awaiting task that turns out long is recalled for the idle child', async function () {
    const ex = makePool({ maxWorkers: 2, minWorkers: 2 });
    await Promise.all([ex.submit(behave, 'sleep 20'), ex.submit(behave, 'sleep 20')]);
    for (let i = 0; i < 20; i++) await ex.submit(behave, 'tiny');
    const t0 = Date.now();
    const long = ex.submit(behave, 'sleep 1000');
    const shorts = [1, 2, 3, 4, 5].map(() => ex.submit(behave, 'spin 10').then(() => Date.now() - t0));
    for (const t of await Promise.all(shorts)) expect(t).to.be.below(500);
    await long;
  });

  it('stats().running is 0 again after an argument the channel refuses', async function () {
    const [ex] = await tinyAverage(makePool);
    const err = await ex.submit((b: SharedArrayBuffer) => b.byteLength, new SharedArrayBuffer(8)).exception();
    expect((err as Error).message).to.match(/argument 0 .*SharedArrayBuffer/);
    await waitUntil(() => ex.stats().running === 0, `running to be 0 (${JSON.stringify(ex.stats())})`);
    expect(await ex.submit(behave, 'tiny')).to.equal(1);
  });
});

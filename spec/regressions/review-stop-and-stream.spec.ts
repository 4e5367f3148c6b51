/**
 * Regressions found by an independent review of the stop path and streaming tasks, one
 * spec each: every one hung, lost work or misreported before its fix.
 */
import { expect } from 'chai';
import { lastValueFrom, range, take, toArray } from 'rxjs';
import {
  ExecutorShutdownError,
  TaskSerializationError,
  TaskTimeoutError,
  fromTask,
  fromTaskStream,
  parallelConcatMap,
  task,
} from '../../lib/index.js';
import type * as Coop from '../fixtures/cooperative-tasks.js';
import type * as Streams from '../fixtures/stream-tasks.js';
import { counters, rejectionOf, spinFor, usePools, waitUntil } from '../helpers/executors.js';

const streams = new URL('../fixtures/stream-tasks.js', import.meta.url);
const coop = new URL('../fixtures/cooperative-tasks.js', import.meta.url);
const badObservable = task<() => AsyncIterable<unknown>>(streams, 'badObservable');
const tenThenBad = task<typeof Streams.tenThenBad>(streams, 'tenThenBad');
const slowCleanup = task<typeof Streams.slowCleanup>(streams, 'slowCleanup');
const slowForever = task<typeof Streams.slowForever>(streams, 'slowForever');
const countTo = task<typeof Streams.countTo>(streams, 'countTo');
const tidyAfterAbort = task<typeof Coop.tidyAfterAbort>(coop, 'tidyAfterAbort');
const whichThread = task<typeof Coop.whichThread>(coop, 'whichThread');

describe('regressions: the stop path and streaming tasks', function () {
  this.timeout(30_000);
  const makePool = usePools();

  it('an Observable that emits an unsendable value during subscribe() fails with TaskSerializationError (it hung)', async () => {
    const ex = makePool({ maxWorkers: 1 });
    const err = await rejectionOf(lastValueFrom(fromTaskStream(ex, badObservable).pipe(toArray())));
    expect(err).to.be.instanceOf(TaskSerializationError);
  });

  it('the values before an unsendable one still arrive, then the stream fails', async () => {
    const ex = makePool({ maxWorkers: 1 });
    const seen: unknown[] = [];
    const err = await rejectionOf(
      new Promise((resolve, reject) =>
        fromTaskStream(ex, tenThenBad).subscribe({
          next: (v) => seen.push(v),
          error: reject,
          complete: () => resolve(seen),
        }),
      ),
    );
    expect(err).to.be.instanceOf(TaskSerializationError);
    expect(seen).to.deep.equal(Array.from({ length: 10 }, (_, i) => ({ i })));
  });

  it("a stopped generator's async finally runs to its end before shutdown({ wait }) resolves", async () => {
    const ex = makePool({ maxWorkers: 1, cancelGrace: 2000 });
    const c = counters(2);
    expect(await lastValueFrom(fromTaskStream(ex, slowCleanup, c.buffer).pipe(take(3), toArray()))).to.deep.equal([
      0, 1, 2,
    ]);
    await ex.shutdown({ wait: true });
    expect(c.read(1)).to.equal(1);
  });

  it('a task that heard the stop keeps its worker even when the host is busy for 20 ms right after unsubscribing', async () => {
    const ex = makePool({ maxWorkers: 1, cancelGrace: 1000 });
    const before = await ex.submit(whichThread);
    const c = counters(2);
    const sub = fromTask(ex, tidyAfterAbort, c.buffer).subscribe({ error: () => {} });
    await waitUntil(() => c.read(1) === 1, 'the task to run');
    sub.unsubscribe();
    spinFor(20); // the host's own work, while the stop's 5 ms to be heard run out
    expect(await ex.submit(whichThread)).to.equal(before);
  });

  it('taskTimeout stops a streaming task too', async () => {
    const ex = makePool({ maxWorkers: 1, taskTimeout: 200 });
    const err = await rejectionOf(lastValueFrom(fromTaskStream(ex, slowForever).pipe(toArray())));
    expect(err).to.be.instanceOf(TaskTimeoutError);
  });

  it('parallelConcatMap on an executor that shuts down ends with ExecutorShutdownError, not an uncaught throw', async () => {
    const ex = makePool({ maxWorkers: 1 });
    const out = lastValueFrom(range(0, 20).pipe(parallelConcatMap(countTo, { executor: ex, window: 2 }), toArray()));
    void ex.shutdown();
    expect(await rejectionOf(out)).to.be.instanceOf(ExecutorShutdownError);
  });

  it('stats().queued counts the waiting tasks while a stopped one is still settling', async () => {
    const ex = makePool({ maxWorkers: 1, cancelGrace: 1000 });
    const c = counters(2);
    const sub = fromTask(ex, tidyAfterAbort, c.buffer).subscribe({ error: () => {} });
    await waitUntil(() => c.read(1) === 1, 'the task to run');
    const waiting = [1, 2, 3].map((x) => ex.submit((n: number) => n, x));
    sub.unsubscribe();
    expect(ex.stats()).to.include({ queued: 3, running: 1 });
    expect(await Promise.all(waiting)).to.deep.equal([1, 2, 3]);
  });
});

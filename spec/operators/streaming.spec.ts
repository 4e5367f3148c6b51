/**
 * Streaming tasks (API.md, "Streaming tasks"): fromTaskStream is cold and streams values,
 * then completes or errors after them; unsubscribing runs a generator's finally in the
 * worker; a slow subscriber holds the generator back; parallelConcatMap ≡ concatMap
 * (seeded property test) and parallelMergeMap ≡ mergeMap within its concurrency.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { concatMap, from, lastValueFrom, mergeMap, take, tap, toArray, type Observable } from 'rxjs';
import { fromTaskStream, parallelConcatMap, parallelMergeMap, task } from '../../lib/index.js';
import * as Tasks from '../fixtures/stream-tasks.js';
import { counters, rejectionOf, usePools, waitUntil } from '../helpers/executors.js';

const fixture = new URL('../fixtures/stream-tasks.js', import.meta.url);
const naturals = task<typeof Tasks.naturals>(fixture, 'naturals');
const countTo = task<typeof Tasks.countTo>(fixture, 'countTo');
const failAfter = task<typeof Tasks.failAfter>(fixture, 'failAfter');
const observableRange = task<(n: number) => AsyncIterable<number>>(fixture, 'observableRange');
const planned = task<typeof Tasks.planned>(fixture, 'planned');
const tracked = task<typeof Tasks.tracked>(fixture, 'tracked');

/** Every value, then 'complete' or the error's message, as one list. */
async function outcome<T>(o: Observable<T>): Promise<(T | string)[]> {
  const seen: (T | string)[] = [];
  await new Promise<void>((resolve) =>
    o.subscribe({
      next: (v) => seen.push(v),
      error: (e: Error) => (seen.push(`error: ${e.message}`), resolve()),
      complete: () => (seen.push('complete'), resolve()),
    }),
  );
  return seen;
}

describe('streaming tasks', function () {
  this.timeout(60_000);
  const makePool = usePools();

  it('fromTaskStream is cold: nothing runs before subscription, and each subscription runs the task once', async () => {
    const ex = makePool({ maxWorkers: 2 });
    const stream = fromTaskStream(ex, countTo, 5);
    await new Promise((r) => setTimeout(r, 50));
    expect(ex.stats().completed).to.equal(0);
    expect(await lastValueFrom(stream.pipe(toArray()))).to.deep.equal([0, 1, 2, 3, 4]);
    expect(await lastValueFrom(stream.pipe(toArray()))).to.deep.equal([0, 1, 2, 3, 4]);
    expect(ex.stats().completed).to.equal(2);
  });

  it('streams many values in order, then completes', async () => {
    const ex = makePool({ maxWorkers: 1 });
    const values = await lastValueFrom(fromTaskStream(ex, countTo, 20_000).pipe(toArray()));
    expect(values).to.have.length(20_000);
    expect(values.every((v, i) => v === i)).to.equal(true);
  });

  it('errors with the task error, rebuilt as for any task, after the values before it', async () => {
    const ex = makePool({ maxWorkers: 1 });
    const seen: number[] = [];
    const err = await rejectionOf(
      lastValueFrom(fromTaskStream(ex, failAfter, 3).pipe(mergeMap(async (v) => seen.push(v)))),
    );
    expect(seen).to.deep.equal([0, 1, 2]);
    expect(err).to.be.instanceOf(RangeError);
    expect(err).to.include({ message: 'stream broke', code: 'E_BROKE' });
  });

  it('a task returning an Observable streams its values', async () => {
    const ex = makePool({ maxWorkers: 1 });
    expect(await lastValueFrom(fromTaskStream(ex, observableRange, 4).pipe(toArray()))).to.deep.equal([0, 1, 2, 3]);
  });

  it('take(3) on an infinite generator stops it: its finally runs in the worker, which is kept', async () => {
    const ex = makePool({ maxWorkers: 1 });
    const c = counters(2);
    expect(await lastValueFrom(fromTaskStream(ex, naturals, c.buffer).pipe(take(3), toArray()))).to.deep.equal([
      0, 1, 2,
    ]);
    await waitUntil(() => c.read(1) === 1, "the generator's finally block to run in the worker");
    expect(await lastValueFrom(fromTaskStream(ex, countTo, 2).pipe(toArray()))).to.deep.equal([0, 1]);
    expect(ex.stats()).to.include({ workers: 1 });
  });

  it('a slow subscriber bounds how far the generator runs ahead', async () => {
    const ex = makePool({ maxWorkers: 1 });
    const c = counters(2);
    let delivered = 0;
    let worstAhead = 0;
    await lastValueFrom(
      fromTaskStream(ex, naturals, c.buffer).pipe(
        take(3000),
        tap(() => {
          delivered++;
          worstAhead = Math.max(worstAhead, c.read(0) - delivered);
          const end = performance.now() + 0.2; // a slow, synchronous consumer
          while (performance.now() < end);
        }),
      ),
    );
    // Credit is 1,024 values beyond delivery, granted in halves, plus what is in flight.
    expect(worstAhead).to.be.below(2048);
  });

  it('parallelConcatMap equals concatMap on seeded random inner streams (delays, errors, take cuts, window 1–8)', async () => {
    const ex = makePool({ maxWorkers: 2 });
    const runs = process.env.CI ? 500 : 120;
    const step = fc.tuple(fc.integer({ min: 0, max: 99 }), fc.constantFrom(0, 0, 0, 1, 2, 3));
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            steps: fc.array(step, { maxLength: 5 }),
            fails: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
          }),
          {
            maxLength: 6,
          },
        ),
        fc.integer({ min: 1, max: 8 }),
        fc.option(fc.integer({ min: 0, max: 12 }), { nil: undefined }),
        async (raw, window, cut) => {
          const plans: Tasks.Plan[] = raw.map((p, id) => ({ id, ...p }));
          const cutAt = <T>(o: Observable<T>) => (cut === undefined ? o : o.pipe(take(cut)));
          const expected = await outcome(cutAt(from(plans).pipe(concatMap((p) => from(Tasks.planned(p))))));
          const actual = await outcome(cutAt(from(plans).pipe(parallelConcatMap(planned, { executor: ex, window }))));
          expect(actual).to.deep.equal(expected);
        },
      ),
      { numRuns: runs, seed: 20261203 },
    );
  });

  it('parallelMergeMap emits the same multiset as mergeMap and never runs more than `concurrency` inner streams', async () => {
    const ex = makePool({ maxWorkers: 2 });
    const c = counters(2);
    const items = Array.from({ length: 12 }, (_, i): [number, SharedArrayBuffer] => [i, c.buffer]);
    const got = await lastValueFrom(
      from(items).pipe(parallelMergeMap(tracked, { executor: ex, concurrency: 3 }), toArray()),
    );
    expect(c.read(1)).to.be.within(1, 3);
    const reference = counters(2);
    const want = await lastValueFrom(
      from(items).pipe(
        mergeMap(([n]) => from(Tasks.tracked([n, reference.buffer]))),
        toArray(),
      ),
    );
    expect([...got].sort((a, b) => a - b)).to.deep.equal([...want].sort((a, b) => a - b));
  });

  it('InlineExecutor keeps the contract: streams, errors after the values, take(3) runs the finally', async () => {
    const { InlineExecutor } = await import('../../lib/index.js');
    const ex = new InlineExecutor();
    expect(await lastValueFrom(fromTaskStream(ex, countTo, 4).pipe(toArray()))).to.deep.equal([0, 1, 2, 3]);
    expect(await outcome(fromTaskStream(ex, failAfter, 2))).to.deep.equal([0, 1, 'error: stream broke']);
    const c = counters(2);
    expect(await lastValueFrom(fromTaskStream(ex, naturals, c.buffer).pipe(take(3), toArray()))).to.deep.equal([
      0, 1, 2,
    ]);
    await waitUntil(() => c.read(1) === 1, "the generator's finally block to run");
    expect(await lastValueFrom(fromTaskStream(ex, observableRange, 3).pipe(toArray()))).to.deep.equal([0, 1, 2]);
    await ex.shutdown();
  });

  it('invalid options throw at the operator call', () => {
    expect(() => parallelConcatMap(countTo, { window: 'fast' as never })).to.throw(TypeError, /window/);
    expect(() => parallelConcatMap(countTo, { window: 0 })).to.throw(RangeError, /window/);
    expect(() => parallelMergeMap(countTo, { concurrency: 1.5 })).to.throw(TypeError, /concurrency/);
    expect(() => parallelMergeMap(countTo, { concurrency: 0 })).to.throw(RangeError, /concurrency/);
  });
});

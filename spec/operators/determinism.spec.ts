/**
 * The defining property: parallelMap(fn) gives exactly what map(fn) gives, whatever the
 * timing — same values, same error at the same position, truncated identically when the
 * subscriber leaves early — and nothing is left running afterwards.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { lastValueFrom, map, materialize, Observable, Subject, take, toArray, type Notification } from 'rxjs';
import { parallelMap, ThreadPoolExecutor } from '../../lib/index.js';

type Item = [value: number, delayMs: number, fails: boolean];

/** The task: what a worker does with an item, after a random delay. */
const work = ([value, delayMs, fails]: Item) =>
  new Promise<number>((resolve, reject) =>
    setTimeout(() => (fails ? reject(new Error(`item ${value} failed`)) : resolve(value * 2)), delayMs),
  );

/** The same function run serially on the host. */
const serial = ([value, , fails]: Item) => {
  if (fails) throw new Error(`item ${value} failed`);
  return value * 2;
};

type Seen = { kind: string; value?: unknown; message?: string };
const flatten = (ns: { kind: string; value?: unknown; error?: unknown }[]): Seen[] =>
  ns.map((n) =>
    n.kind === 'E'
      ? { kind: 'E', message: (n.error as Error).message }
      : n.kind === 'N'
        ? { kind: 'N', value: n.value }
        : { kind: 'C' },
  );

function materialized<T>(o: Observable<T>): Promise<Seen[]> {
  return lastValueFrom(o.pipe(materialize(), toArray())).then((ns) => flatten(ns as Notification<T>[] as never));
}

/** A Subject source that emits the items spread over a few timer ticks. */
function subjectSource(items: Item[], gaps: number[]): Observable<Item> {
  return new Observable<Item>((subscriber) => {
    const subject = new Subject<Item>();
    const sub = subject.subscribe(subscriber);
    let i = 0;
    let timer: ReturnType<typeof setTimeout>;
    const step = () => {
      while (i < items.length) {
        subject.next(items[i]!);
        if (gaps[i++]! > 0) {
          timer = setTimeout(step, gaps[i - 1]);
          return;
        }
      }
      subject.complete();
    };
    step();
    return () => {
      clearTimeout(timer);
      sub.unsubscribe();
    };
  });
}

describe('parallelMap ≡ map (property, seeded)', function () {
  this.timeout(120_000);
  const executor = new ThreadPoolExecutor({ maxWorkers: 2, idleTimeout: 5_000 });
  after(() => executor.shutdown());

  it('matches map for random inputs, delays, failures, window, chunksize, sources and unsubscription', async () => {
    const runs = Number(process.env.PROPERTY_RUNS ?? 500);
    const seed = Number(process.env.PROPERTY_SEED ?? 20261127);
    const item = fc.tuple(fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: 0, max: 3 }), fc.boolean());
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.tuple(
            item.map(([v, d, f]) => [v, d, f && v % 4 === 0] as Item),
            fc.integer({ min: 0, max: 2 }),
          ),
          { maxLength: 14 },
        ),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 4 }),
        fc.boolean(),
        fc.option(fc.integer({ min: 0, max: 14 }), { nil: undefined }),
        async (rows, window, chunksize, useSubject, takeCount) => {
          const items = rows.map((r) => r[0]);
          const gaps = rows.map((r) => r[1]);
          const source = () =>
            useSubject
              ? subjectSource(items, gaps)
              : new Observable<Item>((s) => {
                  for (const x of items) s.next(x);
                  s.complete();
                });
          const cut = <T>(o: Observable<T>) => (takeCount === undefined ? o : o.pipe(take(takeCount)));
          const expected = await materialized(cut(source().pipe(map(serial))));
          const actual = await materialized(cut(source().pipe(parallelMap(work, { executor, window, chunksize }))));
          expect(actual).to.deep.equal(expected);
        },
      ),
      { numRuns: runs, seed },
    );
    // Every task of every run settled: nothing is queued or running any more.
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && (executor.stats().queued > 0 || executor.stats().running > 0)) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(executor.stats()).to.include({ queued: 0, running: 0 });
  });
});

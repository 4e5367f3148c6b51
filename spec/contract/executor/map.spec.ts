import { expect } from 'chai';
import {
  firstValueFrom,
  from,
  lastValueFrom,
  map as rxMap,
  materialize,
  of,
  take,
  tap,
  toArray,
  type Notification,
} from 'rxjs';
import { delay, failAtFive, forEachExecutor, sleepThenBump, waitUntil } from '../../helpers/executors.js';

/** Squares x after a delay that varies with x, so completion order differs from input order. */
const jitterSquare = (x: number): Promise<number> => new Promise((r) => setTimeout(() => r(x * x), ((x * 7) % 5) * 10));

/** Sleeps `ms`, then returns `index`. */
const sleepIndex = ([ms, index]: [number, number]): Promise<number> =>
  new Promise((r) => setTimeout(() => r(index), ms));

type Event = { kind: string; value?: unknown; error?: unknown };
const simplify = (n: Notification<unknown> | { kind: string; value?: unknown; error?: unknown }): Event =>
  n.kind === 'N' ? { kind: 'N', value: n.value } : n.kind === 'E' ? { kind: 'E', error: n.error } : { kind: 'C' };

forEachExecutor('Executor.map and starmap', (makeExecutor, kind) => {
  describe('equals a serial map', function () {
    const input = Array.from({ length: 20 }, (_, i) => i);
    const serial = input.map((x) => x * x);

    for (const chunksize of [1, 3]) {
      it(`gives exactly the serial map's output with chunksize ${chunksize}`, async function () {
        const ex = makeExecutor();
        const out = await firstValueFrom(ex.map(jitterSquare, input, { chunksize }).pipe(toArray()));
        expect(out).to.deep.equal(serial);
      });
    }

    it("gives the serial map's output with the default chunksize ('auto')", async function () {
      const ex = makeExecutor();
      const out = await firstValueFrom(ex.map((x: number) => x * x, input).pipe(toArray()));
      expect(out).to.deep.equal(serial);
    });

    it('an empty source completes with no values', async function () {
      const ex = makeExecutor();
      expect(await firstValueFrom(ex.map((x: number) => x, []).pipe(toArray()))).to.deep.equal([]);
    });

    it('ordered map of tasks with delays 400, 100, 300, 200 ms yields 1, 2, 3, 4 (input order)', async function () {
      const ex = makeExecutor();
      const items: [number, number][] = [
        [400, 1],
        [100, 2],
        [300, 3],
        [200, 4],
      ];
      const out = await firstValueFrom(ex.map(sleepIndex, items, { chunksize: 1 }).pipe(toArray()));
      expect(out).to.deep.equal([1, 2, 3, 4]);
    });

    it('unordered map yields every result once (in completion order)', async function () {
      const ex = makeExecutor();
      const out = await firstValueFrom(ex.map(jitterSquare, input, { ordered: false, chunksize: 1 }).pipe(toArray()));
      expect([...out].sort((a, b) => a - b)).to.deep.equal(serial);
    });
  });

  describe('sources', function () {
    it('maps an Observable source', async function () {
      const ex = makeExecutor();
      const out = await firstValueFrom(ex.map((x: number) => x + 1, of(1, 2, 3)).pipe(toArray()));
      expect(out).to.deep.equal([2, 3, 4]);
    });

    it('maps an async iterable source', async function () {
      const ex = makeExecutor();
      async function* gen() {
        for (let i = 0; i < 5; i++) {
          await delay(1);
          yield i;
        }
      }
      const out = await firstValueFrom(ex.map((x: number) => x * 3, gen()).pipe(toArray()));
      expect(out).to.deep.equal([0, 3, 6, 9, 12]);
    });

    it('maps a Set (any iterable)', async function () {
      const ex = makeExecutor();
      const out = await firstValueFrom(ex.map((x: string) => x.toUpperCase(), new Set(['a', 'b'])).pipe(toArray()));
      expect(out).to.deep.equal(['A', 'B']);
    });

    it('the result is also an AsyncIterable usable with for await', async function () {
      const ex = makeExecutor();
      const out: number[] = [];
      for await (const v of ex.map((x: number) => x * 10, [1, 2, 3])) out.push(v);
      expect(out).to.deep.equal([10, 20, 30]);
    });
  });

  describe('starmap', function () {
    it('spreads each item as the arguments of the task, in input order', async function () {
      const ex = makeExecutor();
      const out = await firstValueFrom(
        ex
          .starmap(
            (a: number, b: number) => a ** b,
            [
              [2, 3],
              [3, 2],
              [10, 0],
            ],
          )
          .pipe(toArray()),
      );
      expect(out).to.deep.equal([8, 9, 1]);
    });

    it('accepts an Observable of argument lists', async function () {
      const ex = makeExecutor();
      const src = from([
        ['a', 2],
        ['b', 3],
      ] as [string, number][]);
      const out = await firstValueFrom(ex.starmap((s: string, n: number) => s.repeat(n), src).pipe(toArray()));
      expect(out).to.deep.equal(['aa', 'bbb']);
    });
  });

  describe('errors', function () {
    it('emits the values before a failed item, then its error at its position, like a serial map', async function () {
      const ex = makeExecutor();
      const input = Array.from({ length: 10 }, (_, i) => i);
      const task = (x: number) => {
        if (x === 5) throw new RangeError('five');
        return x * 2;
      };
      const got = (await firstValueFrom(ex.map(task, input, { chunksize: 1 }).pipe(materialize(), toArray()))).map(
        simplify,
      );
      const expected = (await firstValueFrom(from(input).pipe(rxMap(task), materialize(), toArray()))).map(simplify);
      expect(got.map((e) => e.kind)).to.deep.equal(expected.map((e) => e.kind));
      expect(got.slice(0, -1)).to.deep.equal(expected.slice(0, -1));
      const err = got[got.length - 1]!.error as Error;
      expect(err).to.be.instanceOf(RangeError);
      expect(err.message).to.equal('five');
    });

    it('an error in one item of a chunk does not fail its neighbours (chunksize 3)', async function () {
      const ex = makeExecutor();
      const task = (x: number) => {
        if (x === 4) throw new Error('four');
        return x;
      };
      const got = (
        await firstValueFrom(ex.map(task, [0, 1, 2, 3, 4, 5], { chunksize: 3 }).pipe(materialize(), toArray()))
      ).map(simplify);
      expect(got.slice(0, 4)).to.deep.equal([0, 1, 2, 3].map((value) => ({ kind: 'N', value })));
      expect(got[4]!.kind).to.equal('E');
      expect(got).to.have.length(5);
    });

    it('after the error, the later tasks are cancelled: queued ones never run, none runs to its end', async function () {
      const ex = makeExecutor();
      const c = kind.counters(1);
      const items = Array.from({ length: 12 }, (_, x) => ({ x, counters: c.buffer }));
      const got = (
        await firstValueFrom(ex.map(failAtFive, items, { chunksize: 1, window: 6 }).pipe(materialize(), toArray()))
      ).map(simplify);
      expect(got.map((e) => e.kind)).to.deep.equal(['N', 'N', 'N', 'N', 'N', 'E']);
      // Items 6.. were outstanding (the window is 6): at least the queued ones are cancelled.
      expect(ex.stats().cancelled, 'cancelled tasks').to.be.at.least(2);
      await ex.shutdown({ wait: true });
      expect(c.read(0), 'later tasks that ran to their end').to.equal(0);
    });
  });

  describe('cold and lazy', function () {
    it('is cold: nothing is submitted before subscription', async function () {
      const ex = makeExecutor();
      const stream = ex.map((x: number) => x, [1, 2, 3]);
      await delay(100);
      const s = ex.stats();
      expect({ queued: s.queued, running: s.running, completed: s.completed }).to.deep.equal({
        queued: 0,
        running: 0,
        completed: 0,
      });
      expect(await firstValueFrom(stream.pipe(toArray()))).to.deep.equal([1, 2, 3]);
      expect(ex.stats().completed).to.equal(3);
    });

    it('each subscription maps its own copy', async function () {
      const ex = makeExecutor();
      const stream = ex.map((x: number) => x * 2, [1, 2, 3]);
      const [a, b] = await Promise.all([
        firstValueFrom(stream.pipe(toArray())),
        firstValueFrom(stream.pipe(toArray())),
      ]);
      expect(a).to.deep.equal([2, 4, 6]);
      expect(b).to.deep.equal([2, 4, 6]);
      expect(ex.stats().completed).to.equal(6);
    });

    it('an iterable source is not pulled before subscription', async function () {
      const ex = makeExecutor();
      let pulled = 0;
      function* gen() {
        for (let i = 0; i < 3; i++) {
          pulled++;
          yield i;
        }
      }
      const stream = ex.map((x: number) => x, gen());
      await delay(20);
      expect(pulled).to.equal(0);
      await lastValueFrom(stream);
      expect(pulled).to.equal(3);
    });

    it('map over an infinite generator with take(3) ends, pulling never more than `window` items ahead of what was emitted', async function () {
      const ex = makeExecutor();
      const window = 2;
      let pulled = 0;
      let emitted = 0;
      let maxAhead = 0;
      function* naturals() {
        for (let i = 0; ; i++) {
          pulled++;
          maxAhead = Math.max(maxAhead, pulled - emitted);
          yield i;
        }
      }
      const out = await firstValueFrom(
        ex
          .map((x: number) => x * 10, naturals(), { window, chunksize: 1 })
          .pipe(
            tap(() => emitted++),
            take(3),
            toArray(),
          ),
      );
      expect(out).to.deep.equal([0, 10, 20]);
      expect(maxAhead, 'items pulled but not yet emitted, at most').to.be.at.most(window);
      expect(pulled, 'items pulled in all').to.be.at.most(3 + window);
      const pulledAtEnd = pulled;
      await delay(100);
      expect(pulled, 'nothing pulled after unsubscription').to.equal(pulledAtEnd);
      const s = ex.stats();
      expect(s.completed + s.failed + s.cancelled + s.queued + s.running, 'tasks submitted').to.be.at.most(3 + window);
    });

    it('with the default window, an infinite generator with take(3) ends and submits a bounded number of tasks', async function () {
      const ex = makeExecutor();
      let pulled = 0;
      function* naturals() {
        for (let i = 0; ; i++) {
          pulled++;
          yield i;
        }
      }
      const out = await firstValueFrom(
        ex.map((x: number) => x + 1, naturals(), { chunksize: 1 }).pipe(take(3), toArray()),
      );
      expect(out).to.deep.equal([1, 2, 3]);
      // 'auto' widens from 2 × to at most 32 × parallelism chunks, behind an unfinished head.
      expect(pulled).to.be.at.most(3 + 32 * kind.parallelism);
    });

    it('leaving a for-await loop early cancels the outstanding tasks', async function () {
      const ex = makeExecutor();
      const c = kind.counters(1);
      const items = [
        { ms: 1, counters: c.buffer },
        ...Array.from({ length: 5 }, () => ({ ms: 2_000, counters: c.buffer })),
      ];
      for await (const v of ex.map(sleepThenBump, items, { chunksize: 1, window: 6 })) {
        expect(v).to.equal(1);
        break;
      }
      await waitUntil(() => ex.stats().queued === 0, 'the queue to empty');
      expect(ex.stats().cancelled).to.be.at.least(1);
      await ex.shutdown({ wait: true });
      expect(c.read(0), 'tasks that ran to their end').to.be.lessThan(items.length);
    });
  });
});

/**
 * Issue 4: bad input gives a clear error at the right place, and nothing else breaks.
 */
import { expect } from 'chai';
import { from, lastValueFrom, toArray } from 'rxjs';
import { InlineExecutor, TaskSerializationError, ThreadPoolExecutor, parallelMap, task } from '../../lib/index.js';
import { oddOf, rejectionOf, thrownBy, usePools, within } from '../fixtures/faults-helpers.js';

class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
  norm(): number {
    return Math.hypot(this.x, this.y);
  }
}

const FIXTURES = new URL('../fixtures/faults-tasks.js', import.meta.url);
const identity = <T>(x: T): T => x;
const second = <T>(_a: unknown, b: T): T => b;

async function expectSerializationError(
  f: PromiseLike<unknown>,
  ...patterns: RegExp[]
): Promise<TaskSerializationError> {
  const err = await rejectionOf(f);
  expect(err).to.be.instanceOf(TaskSerializationError);
  expect((err as Error).name).to.equal('TaskSerializationError');
  for (const p of patterns) expect((err as Error).message).to.match(p);
  return err as TaskSerializationError;
}

describe('faults: bad input', function () {
  this.timeout(20_000);
  const pool = usePools();

  describe('an argument that cannot be cloned fails that future only, with TaskSerializationError', function () {
    it('a function: names argument 0 and "function"', async function () {
      const ex = pool({ maxWorkers: 2 });
      const good1 = ex.submit(oddOf, 1);
      const bad = ex.submit(identity, () => 1);
      const good2 = ex.submit(oddOf, 2);
      await expectSerializationError(bad, /argument 0\b/, /function/);
      expect(await within(Promise.all([good1, good2]), 'the good tasks')).to.deep.equal([3, 5]);
    });

    it('a Symbol in second position: names argument 1 and "Symbol"', async function () {
      const ex = pool({ maxWorkers: 2 });
      const bad = ex.submit(second, 1, Symbol('nope'));
      const good = ex.submit(oddOf, 3);
      await expectSerializationError(bad, /argument 1\b/, /Symbol/);
      expect(await within(good, 'the good task')).to.equal(7);
    });

    it('a class instance with methods: names argument 0 and the class', async function () {
      const ex = pool({ maxWorkers: 2 });
      const bad = ex.submit((p: Point) => p.x, new Point(3, 4));
      const good = ex.submit(oddOf, 4);
      await expectSerializationError(bad, /argument 0\b/, /Point/);
      expect(await within(good, 'the good task')).to.equal(9);
    });

    it('a function nested inside a plain object: names argument 0 and what could not be cloned', async function () {
      const ex = pool({ maxWorkers: 2 });
      const good1 = ex.submit(oddOf, 5);
      const bad = ex.submit((o: { a: number }) => o.a, { a: 1, f: () => 2 });
      const good2 = ex.submit(oddOf, 6);
      await expectSerializationError(bad, /argument 0\b/, /clone/);
      expect(await within(Promise.all([good1, good2]), 'the good tasks')).to.deep.equal([11, 13]);
    });

    it('submit never throws for an uncloneable argument (the future fails instead)', function () {
      const ex = pool({ maxWorkers: 1 });
      const f = ex.submit(identity, Symbol('s'));
      expect(f.done() || !f.done()).to.equal(true); // reached: submit returned
      return rejectionOf(f).then((e) => expect(e).to.be.instanceOf(TaskSerializationError));
    });

    it('in a chunk of map items, only the bad item fails; its neighbours succeed (errors: "end")', async function () {
      const ex = pool({ maxWorkers: 2 });
      const items: unknown[] = [1, 2, { a: 1, f: () => 0 }, 4, Symbol('x'), 6];
      const seen: unknown[] = [];
      const err = await rejectionOf(
        (async () => {
          for await (const v of ex.map((x: unknown) => (typeof x === 'number' ? x * 10 : -1), items, {
            chunksize: 3,
            errors: 'end',
          })) {
            seen.push(v);
          }
        })(),
      );
      expect(err).to.be.instanceOf(TaskSerializationError);
      expect((err as Error).message).to.match(/argument 0\b/);
      expect(seen).to.deep.equal([10, 20, 40, 60]);
    });

    it('later tasks of the same function still run after its first submission had an uncloneable argument', async function () {
      const ex = pool({ maxWorkers: 1 });
      const pick = (o: { a: number }) => o.a * 100;
      await expectSerializationError(ex.submit(pick, { a: 1, f: () => 2 } as { a: number }), /argument 0\b/);
      const next = Array.from({ length: 10 }, (_, i) => ex.submit(pick, { a: i }));
      const outcomes = await within(Promise.allSettled(next), 'the next 10 tasks');
      expect(outcomes.map((o) => (o.status === 'fulfilled' ? o.value : String(o.reason)))).to.deep.equal(
        next.map((_, i) => i * 100),
      );
    });

    it('the executor keeps working after many uncloneable arguments', async function () {
      const ex = pool({ maxWorkers: 2 });
      const bad = Array.from({ length: 20 }, (_, i) => ex.submit(identity, { i, f: () => i }));
      for (const f of bad) await expectSerializationError(f, /argument 0\b/);
      const good = Array.from({ length: 10 }, (_, i) => ex.submit(oddOf, i));
      expect(await within(Promise.all(good), 'the next 10 tasks')).to.deep.equal(good.map((_, i) => 2 * i + 1));
      expect(ex.stats()).to.include({ failed: 20, completed: 10 });
    });
  });

  describe('a result that cannot be cloned fails that future only, with TaskSerializationError naming "result"', function () {
    it('a function result', async function () {
      const ex = pool({ maxWorkers: 1 });
      const good1 = ex.submit(oddOf, 1);
      const bad = ex.submit(() => () => 1);
      const good2 = ex.submit(oddOf, 2);
      await expectSerializationError(bad, /result/, /function/);
      expect(await within(Promise.all([good1, good2]), 'the good tasks')).to.deep.equal([3, 5]);
    });

    it('a Symbol result', async function () {
      const ex = pool({ maxWorkers: 1 });
      const bad = ex.submit(() => Symbol('r'));
      await expectSerializationError(bad, /result/, /symbol/i);
      expect(await within(ex.submit(oddOf, 7), 'next task')).to.equal(15);
    });

    it('an object with a nested function as result', async function () {
      const ex = pool({ maxWorkers: 1 });
      const bad = ex.submit(() => ({ ok: 1, fn: () => 2 }));
      await expectSerializationError(bad, /result/);
      expect(await within(ex.submit(oddOf, 8), 'next task')).to.equal(17);
    });

    it('in a map chunk, only the item whose result fails is failed (errors: "end")', async function () {
      const ex = pool({ maxWorkers: 1 });
      const seen: unknown[] = [];
      const err = await rejectionOf(
        (async () => {
          for await (const v of ex.map((x: number) => (x === 3 ? () => x : x * 10), [1, 2, 3, 4, 5], {
            chunksize: 5,
            errors: 'end',
          })) {
            seen.push(v);
          }
        })(),
      );
      expect(err).to.be.instanceOf(TaskSerializationError);
      expect((err as Error).message).to.match(/result/);
      expect(seen).to.deep.equal([10, 20, 40, 50]);
    });
  });

  describe('what can never be a task throws TypeError at submit', function () {
    const cases: [string, unknown][] = [
      ['a number', 42],
      ['a string', '(x) => x'],
      ['null', null],
      ['undefined', undefined],
      ['a plain object', { module: 1 }],
      [
        'a bound function',
        function (this: unknown, x: number) {
          return x;
        }.bind(null),
      ],
      ['a native function (Math.max)', Math.max],
      ['a native function (JSON.stringify)', JSON.stringify],
      ['a class', class Foo {}],
    ];
    for (const [name, make] of [
      ['ThreadPoolExecutor', () => new ThreadPoolExecutor({ maxWorkers: 1 })],
      ['InlineExecutor', () => new InlineExecutor()],
    ] as const) {
      for (const [what, fn] of cases) {
        it(`${name}.submit(${what}) throws TypeError synchronously`, async function () {
          const ex = make();
          try {
            expect(thrownBy(() => ex.submit(fn as never))).to.be.instanceOf(TypeError);
            expect(thrownBy(() => ex.map(fn as never, [1]))).to.be.instanceOf(TypeError);
            expect(thrownBy(() => parallelMap(fn as never, { executor: ex }))).to.be.instanceOf(TypeError);
            expect(ex.stats()).to.include({ queued: 0, running: 0, completed: 0, failed: 0 });
          } finally {
            await ex.shutdown();
          }
        });
      }
    }
  });

  describe('task(module, export)', function () {
    it('a module that does not exist: TypeError at task()', function () {
      expect(thrownBy(() => task('/definitely/not/here/tasks.js', 'x'))).to.be.instanceOf(TypeError);
      expect(thrownBy(() => task(new URL('./no-such-file.js', FIXTURES), 'x'))).to.be.instanceOf(TypeError);
    });

    it('a relative path: TypeError at task()', function () {
      expect(thrownBy(() => task('./faults-tasks.js', 'triple'))).to.be.instanceOf(TypeError);
    });

    it('a non-string export name: TypeError at task()', function () {
      expect(thrownBy(() => task(FIXTURES, 3 as never))).to.be.instanceOf(TypeError);
      expect(thrownBy(() => task(FIXTURES, ''))).to.be.instanceOf(TypeError);
    });

    it('a missing export: the future fails with a TypeError naming the export; other tasks are fine', async function () {
      const ex = pool({ maxWorkers: 2 });
      const good = ex.submit(task<(x: number) => number>(FIXTURES, 'triple'), 5);
      const bad = ex.submit(task<() => number>(FIXTURES, 'noSuchExport'));
      const err = await rejectionOf(bad);
      expect(err).to.be.instanceOf(TypeError);
      expect((err as Error).message).to.include('noSuchExport');
      expect(await within(good, 'good task')).to.equal(15);
      const nextTen = Array.from({ length: 10 }, (_, i) =>
        ex.submit(task<(x: number) => number>(FIXTURES, 'triple'), i),
      );
      expect(await within(Promise.all(nextTen), 'next 10')).to.deep.equal(nextTen.map((_, i) => 3 * i));
    });

    it('an export that is not a function: the future fails with a TypeError naming it', async function () {
      const ex = pool({ maxWorkers: 1 });
      const err = await rejectionOf(ex.submit(task<() => number>(FIXTURES, 'notAFunction')));
      expect(err).to.be.instanceOf(TypeError);
      expect((err as Error).message).to.include('notAFunction');
    });

    it('a missing export in a map fails the stream with that TypeError', async function () {
      const ex = pool({ maxWorkers: 2 });
      const err = await rejectionOf(
        lastValueFrom(
          from([1, 2, 3]).pipe(parallelMap(task<(x: number) => number>(FIXTURES, 'nope'), { executor: ex }), toArray()),
        ),
      );
      expect(err).to.be.instanceOf(TypeError);
      expect((err as Error).message).to.include('nope');
    });
  });

  describe('invalid options throw at the call that received them', function () {
    const ctorCases: [string, unknown, ErrorConstructor][] = [
      ['options 5', 5, TypeError],
      ['maxWorkers 0', { maxWorkers: 0 }, RangeError],
      ['maxWorkers -1', { maxWorkers: -1 }, RangeError],
      ['maxWorkers 1.5', { maxWorkers: 1.5 }, TypeError],
      ['maxWorkers "2"', { maxWorkers: '2' }, TypeError],
      ['minWorkers -1', { minWorkers: -1 }, RangeError],
      ['minWorkers > maxWorkers', { minWorkers: 3, maxWorkers: 2 }, RangeError],
      ['idleTimeout -5', { idleTimeout: -5 }, RangeError],
      ['idleTimeout "x"', { idleTimeout: 'x' }, TypeError],
      ['taskTimeout 0', { taskTimeout: 0 }, RangeError],
      ['taskTimeout NaN', { taskTimeout: Number.NaN }, TypeError],
      ['maxTasksPerWorker 0', { maxTasksPerWorker: 0 }, RangeError],
      ['initializer 42', { initializer: 42 }, TypeError],
      ['initializer bound', { initializer: (() => 1).bind(null) }, TypeError],
      ['initargs not an array', { initargs: 5 }, TypeError],
      ['resourceLimits 5', { resourceLimits: 5 }, TypeError],
      ['name 5', { name: 5 }, TypeError],
    ];
    for (const [what, options, cls] of ctorCases) {
      it(`new ThreadPoolExecutor(${what}) throws ${cls.name}`, function () {
        const err = thrownBy(() => new ThreadPoolExecutor(options as never));
        expect(err).to.be.instanceOf(cls);
      });
    }

    const mapCases: [string, unknown, ErrorConstructor][] = [
      ['window 0', { window: 0 }, RangeError],
      ['window 1.5', { window: 1.5 }, TypeError],
      ['chunksize 0', { chunksize: 0 }, RangeError],
      ['chunksize "big"', { chunksize: 'big' }, TypeError],
      ['errors "later"', { errors: 'later' }, TypeError],
      ['taskTimeout -1', { taskTimeout: -1 }, RangeError],
      ['ordered "yes"', { ordered: 'yes' }, TypeError],
      ['cancelRunning 1', { cancelRunning: 1 }, TypeError],
      ['options "x"', 'x', TypeError],
    ];
    for (const [what, options, cls] of mapCases) {
      it(`map/starmap/parallelMap(${what}) throw ${cls.name} at the call`, async function () {
        const ex = pool({ maxWorkers: 1 });
        expect(thrownBy(() => ex.map(oddOf, [1], options as never))).to.be.instanceOf(cls);
        expect(thrownBy(() => ex.starmap(oddOf, [[1]], options as never))).to.be.instanceOf(cls);
        expect(thrownBy(() => parallelMap(oddOf, options as never))).to.be.instanceOf(cls);
        expect(ex.stats()).to.include({ workers: 0, completed: 0 });
      });
    }

    it('shutdown({ wait: "yes" }) throws TypeError', async function () {
      const ex = pool({ maxWorkers: 1 });
      expect(thrownBy(() => ex.shutdown({ wait: 'yes' as never }))).to.be.instanceOf(TypeError);
      expect(await within(ex.submit(oddOf, 1), 'still open')).to.equal(3);
    });
  });
});

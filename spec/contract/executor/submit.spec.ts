import { expect } from 'chai';
import { TaskError, TaskSerializationError, task } from '../../../lib/index.js';
import type * as Tasks from '../../fixtures/tasks.js';
import { countRun, forEachExecutor, rejectionOf, sleepThen } from '../../helpers/executors.js';

forEachExecutor('Executor.submit', (makeExecutor, kind) => {
  describe('values', function () {
    it('returns a Future that resolves with the task value, given the arguments', async function () {
      const ex = makeExecutor();
      const f = ex.submit((a: number, b: number) => a + b, 2, 3);
      expect(await f).to.equal(5);
      expect(f.done()).to.equal(true);
    });

    it('awaits a task that returns a promise', async function () {
      const ex = makeExecutor();
      expect(await ex.submit(sleepThen, 10, 'later')).to.equal('later');
    });

    it('runs a task without arguments, and one that returns undefined', async function () {
      const ex = makeExecutor();
      expect(await ex.submit(() => 'no args')).to.equal('no args');
      expect(await ex.submit(() => undefined)).to.equal(undefined);
    });

    it('delivers structured-clonable results (Map, Date, typed arrays, nested objects)', async function () {
      const ex = makeExecutor();
      const v = await ex.submit(() => ({
        map: new Map([[1, 'a']]),
        date: new Date(0),
        bytes: new Uint8Array([1, 2, 3]),
        nested: { list: [1, { deep: true }] },
      }));
      expect(v.map).to.be.instanceOf(Map);
      expect(v.map.get(1)).to.equal('a');
      expect(v.date).to.be.instanceOf(Date);
      expect(v.date.getTime()).to.equal(0);
      expect(Array.from(v.bytes)).to.deep.equal([1, 2, 3]);
      expect(v.nested).to.deep.equal({ list: [1, { deep: true }] });
    });

    it('is eager: the task runs without anyone subscribing or awaiting', async function () {
      const ex = makeExecutor();
      const f = ex.submit(() => 1);
      const deadline = Date.now() + 10_000;
      while (!f.done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      expect(f.done()).to.equal(true);
    });

    it('submit returns a pending future at once; the task does not run inside submit', async function () {
      const ex = makeExecutor();
      const c = kind.counters();
      const f = ex.submit(countRun, c.buffer, 0);
      expect(c.read(0)).to.equal(0);
      expect(f.done()).to.equal(false);
      expect(await f).to.equal(1);
    });

    it('a future from submit is an Observable that emits the value once, then completes', async function () {
      const ex = makeExecutor();
      const events: unknown[] = [];
      await new Promise<void>((resolve) =>
        ex
          .submit((x: number) => x * 2, 21)
          .subscribe({
            next: (v) => events.push(v),
            error: (e) => events.push(['error', e]),
            complete: () => {
              events.push('complete');
              resolve();
            },
          }),
      );
      expect(events).to.deep.equal([42, 'complete']);
    });
  });

  describe('module tasks', function () {
    it('runs a named export given by task(new URL(...), name)', async function () {
      const ex = makeExecutor();
      const add = task<typeof Tasks.add>(new URL('../../fixtures/tasks.js', import.meta.url), 'add');
      expect(await ex.submit(add, 20, 22)).to.equal(42);
    });

    it('runs the default export when no name is given', async function () {
      const ex = makeExecutor();
      const double = task<typeof Tasks.default>(new URL('../../fixtures/tasks.js', import.meta.url));
      expect(await ex.submit(double, 4)).to.equal(8);
    });
  });

  describe('errors', function () {
    it('a thrown Error fails the future with that class and message (not a throw from submit)', async function () {
      const ex = makeExecutor();
      const f = ex.submit(() => {
        throw new RangeError('out of range');
      });
      const err = await rejectionOf(f);
      expect(err).to.be.instanceOf(RangeError);
      expect((err as Error).message).to.equal('out of range');
      expect(await f.exception()).to.be.instanceOf(RangeError);
    });

    it('a rejected promise fails the future with its error', async function () {
      const ex = makeExecutor();
      const err = await rejectionOf(ex.submit(async () => Promise.reject(new EvalError('async fail'))));
      expect(err).to.be.instanceOf(EvalError);
      expect((err as Error).message).to.equal('async fail');
    });

    it('a TypeError arrives as a TypeError with its message, own `code` property and `cause`', async function () {
      const ex = makeExecutor();
      const err = await ex
        .submit(() => {
          throw Object.assign(new TypeError('bad input', { cause: new Error('root cause') }), { code: 'E_BAD' });
        })
        .exception();
      expect(err).to.be.instanceOf(TypeError);
      const e = err as TypeError & { code?: unknown };
      expect(e.name).to.equal('TypeError');
      expect(e.message).to.equal('bad input');
      expect(Object.prototype.hasOwnProperty.call(e, 'code'), 'code is an own property').to.equal(true);
      expect(e.code).to.equal('E_BAD');
      expect(e.cause).to.be.instanceOf(Error);
      expect((e.cause as Error).message).to.equal('root cause');
      expect(e.stack).to.be.a('string').and.include('bad input');
    });

    it('an Error with a custom name keeps its name and message', async function () {
      const ex = makeExecutor();
      const err = (await ex
        .submit(() => {
          const e = new Error('custom');
          e.name = 'MyDomainError';
          throw e;
        })
        .exception()) as Error;
      expect(err).to.be.instanceOf(Error);
      expect(err.name).to.equal('MyDomainError');
      expect(err.message).to.equal('custom');
    });

    it('a thrown string arrives as a TaskError whose `value` is the string', async function () {
      const ex = makeExecutor();
      const err = await ex
        .submit(() => {
          throw 'just a string';
        })
        .exception();
      expect(err).to.be.instanceOf(TaskError);
      expect((err as TaskError).name).to.equal('TaskError');
      expect((err as TaskError).value).to.equal('just a string');
    });

    it('a thrown plain object arrives as a TaskError whose `value` is a clone of it', async function () {
      const ex = makeExecutor();
      const err = await ex
        .submit(() => {
          throw { status: 404, detail: ['x'] };
        })
        .exception();
      expect(err).to.be.instanceOf(TaskError);
      expect((err as TaskError).value).to.deep.equal({ status: 404, detail: ['x'] });
    });

    it('a failed task does not affect the next tasks', async function () {
      const ex = makeExecutor();
      const bad = ex.submit(() => {
        throw new Error('first fails');
      });
      const good = ex.submit(() => 'second works');
      await bad.exception();
      expect(await good).to.equal('second works');
    });
  });

  describe('arguments and results that cannot be cloned', function () {
    it('a function as argument fails the future with TaskSerializationError naming `argument 0` (submit does not throw)', async function () {
      const ex = makeExecutor();
      let f: PromiseLike<unknown> | undefined;
      expect(() => {
        f = ex.submit(
          (fn: unknown) => typeof fn,
          () => 1,
        );
      }).not.to.throw();
      const err = await rejectionOf(f!);
      expect(err).to.be.instanceOf(TaskSerializationError);
      expect((err as Error).name).to.equal('TaskSerializationError');
      expect((err as Error).message).to.include('argument 0');
    });

    it('names the position of the uncloneable argument (`argument 1`)', async function () {
      const ex = makeExecutor();
      const err = await ex.submit((_a: number, _b: unknown) => 1, 1, Symbol('nope')).exception();
      expect(err).to.be.instanceOf(TaskSerializationError);
      expect((err as Error).message).to.include('argument 1');
    });

    it('an uncloneable result fails that future with TaskSerializationError naming `result`', async function () {
      const ex = makeExecutor();
      const err = await ex.submit(() => () => 'a function cannot be cloned').exception();
      expect(err).to.be.instanceOf(TaskSerializationError);
      expect((err as Error).message).to.include('result');
    });

    it('a serialization failure fails that future only; the executor goes on', async function () {
      const ex = makeExecutor();
      const bad = ex.submit(
        (fn: unknown) => typeof fn,
        () => 1,
      );
      const good = ex.submit((x: number) => x + 1, 1);
      await bad.exception();
      expect(await good).to.equal(2);
    });
  });
});

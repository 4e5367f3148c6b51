import { expect } from 'chai';
import { threadId as hostThreadId } from 'node:worker_threads';
import { task } from '../../lib/index.js';
import type * as Tasks from '../fixtures/tasks.js';
import { usePools } from '../helpers/executors.js';

const TASKS = new URL('../fixtures/tasks.js', import.meta.url);

describe('ThreadPoolExecutor tasks', function () {
  const makePool = usePools();

  describe('inline functions', function () {
    it('run on a worker thread, not the calling thread', async function () {
      const ex = makePool({ maxWorkers: 1 });
      const id = await ex.submit(async () => (await import('node:worker_threads')).threadId);
      expect(id).to.be.a('number').and.not.equal(hostThreadId);
    });

    it('a task that uses a variable of the enclosing scope fails with ReferenceError explaining why', async function () {
      const ex = makePool({ maxWorkers: 1 });
      const captured = 41;
      const err = await ex.submit(() => captured + 1).exception();
      expect(err).to.be.instanceOf(ReferenceError);
      const message = (err as Error).message;
      expect(message).to.include('captured');
      expect(message).to.include('cannot use variables from the enclosing scope');
    });

    it('a task may use globals and await import()', async function () {
      const ex = makePool({ maxWorkers: 1 });
      const v = await ex.submit(async (p: string) => {
        const path = await import('node:path');
        return path.basename(p) + ':' + typeof structuredClone;
      }, '/a/b/c.txt');
      expect(v).to.equal('c.txt:function');
    });

    it('two different functions with the same name each run as themselves', async function () {
      const ex = makePool({ maxWorkers: 1 });
      const a = [(x: number) => x + 1][0]!;
      const b = [(x: number) => x * 100][0]!;
      expect(await ex.submit(a, 2)).to.equal(3);
      expect(await ex.submit(b, 2)).to.equal(200);
    });
  });

  describe('module tasks: task(url, name)', function () {
    it('runs a named export of a module', async function () {
      const ex = makePool({ maxWorkers: 1 });
      const add = task<typeof Tasks.add>(TASKS, 'add');
      expect(await ex.submit(add, 2, 40)).to.equal(42);
    });

    it("defaults to the module's default export", async function () {
      const ex = makePool({ maxWorkers: 1 });
      const double = task<typeof Tasks.default>(TASKS);
      expect(await ex.submit(double, 21)).to.equal(42);
    });

    it('accepts an absolute path and a file: URL string', async function () {
      const ex = makePool({ maxWorkers: 1 });
      const { fileURLToPath } = await import('node:url');
      const byPath = task<typeof Tasks.add>(fileURLToPath(TASKS), 'add');
      const byHref = task<typeof Tasks.add>(TASKS.href, 'add');
      expect(await ex.submit(byPath, 1, 2)).to.equal(3);
      expect(await ex.submit(byHref, 3, 4)).to.equal(7);
    });

    it('a module task can use its own imports and runs on a worker thread', async function () {
      const ex = makePool({ maxWorkers: 1 });
      const which = task<typeof Tasks.whichThread>(TASKS, 'whichThread');
      expect(await ex.submit(which))
        .to.be.a('number')
        .and.not.equal(hostThreadId);
    });

    it('the module is imported once per worker (its state persists between tasks)', async function () {
      const ex = makePool({ maxWorkers: 1 });
      const countCalls = task<typeof Tasks.countCalls>(TASKS, 'countCalls');
      const seen: number[] = [];
      for (let i = 0; i < 3; i++) seen.push(await ex.submit(countCalls));
      expect(seen).to.deep.equal([1, 2, 3]);
    });

    it('works with map, and its errors keep their own properties', async function () {
      const ex = makePool({ maxWorkers: 2 });
      const slowEcho = task<typeof Tasks.slowEcho<number>>(TASKS, 'slowEcho');
      const out: number[] = [];
      for await (const v of ex.starmap(slowEcho, [
        [1, 30],
        [2, 1],
        [3, 10],
      ]))
        out.push(v);
      expect(out).to.deep.equal([1, 2, 3]);
      const fail = task<typeof Tasks.failWithCode>(TASKS, 'failWithCode');
      const err = (await ex.submit(fail, 'E_MODULE').exception()) as Error & { code?: string };
      expect(err).to.be.instanceOf(Error);
      expect(err.code).to.equal('E_MODULE');
    });

    it('a missing export fails the future (submit does not throw)', async function () {
      const ex = makePool({ maxWorkers: 1 });
      const missing = task(TASKS, 'noSuchExport');
      const f = ex.submit(missing);
      expect(await f.exception()).to.be.instanceOf(Error);
      expect(await ex.submit(task<typeof Tasks.add>(TASKS, 'add'), 1, 1)).to.equal(2);
    });
  });
});

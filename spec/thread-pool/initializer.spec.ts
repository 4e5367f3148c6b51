import { expect } from 'chai';
import { BrokenExecutorError } from '../../lib/index.js';
import { rejectionOf, sleepTask, usePools } from '../helpers/executors.js';

describe('ThreadPoolExecutor initializer', function () {
  const makePool = usePools();

  it('runs in every worker before its tasks: a global it sets is visible to tasks', async function () {
    const ex = makePool({
      maxWorkers: 2,
      minWorkers: 2,
      initializer: (greeting: string) => {
        (globalThis as Record<string, unknown>).__greeting = greeting;
      },
      initargs: ['hello from init'],
    });
    // Tasks that overlap, so both workers serve some.
    const results = await Promise.all(
      Array.from({ length: 6 }, () =>
        ex.submit(
          (ms: number) =>
            new Promise((r) => setTimeout(() => r((globalThis as Record<string, unknown>).__greeting), ms)),
          50,
        ),
      ),
    );
    expect(results).to.deep.equal(Array(6).fill('hello from init'));
  });

  it('an async initializer is awaited before the first task runs', async function () {
    const ex = makePool({
      maxWorkers: 1,
      initializer: async () => {
        await new Promise((r) => setTimeout(r, 100));
        (globalThis as Record<string, unknown>).__ready = 'ready';
      },
    });
    expect(await ex.submit(() => (globalThis as Record<string, unknown>).__ready)).to.equal('ready');
  });

  it('a failing initializer fails the futures with BrokenExecutorError, then submit throws it', async function () {
    const ex = makePool({
      maxWorkers: 2,
      initializer: () => {
        throw new Error('cannot connect to the database');
      },
    });
    const futures = [1, 2, 3].map((x) => ex.submit((v: number) => v, x));
    for (const f of futures) {
      const err = await rejectionOf(f);
      expect(err).to.be.instanceOf(BrokenExecutorError);
      expect((err as Error).name).to.equal('BrokenExecutorError');
    }
    expect(() => ex.submit(() => 1)).to.throw(BrokenExecutorError);
  });

  it('a broken executor can still be shut down', async function () {
    const ex = makePool({
      maxWorkers: 1,
      initializer: () => {
        throw new Error('broken');
      },
    });
    await ex.submit(sleepTask, 1).exception();
    await ex.shutdown({ wait: true });
  });
});

import { expect } from 'chai';
import { ThreadPoolExecutor } from '../../lib/index.js';

type Options = ConstructorParameters<typeof ThreadPoolExecutor>[0];

describe('ThreadPoolExecutor options are validated at construction, synchronously', function () {
  const cases: ReadonlyArray<[string, Record<string, unknown>, ErrorConstructor]> = [
    ['maxWorkers 0', { maxWorkers: 0 }, RangeError],
    ['maxWorkers -2', { maxWorkers: -2 }, RangeError],
    ['maxWorkers 1.5', { maxWorkers: 1.5 }, TypeError],
    ["maxWorkers '2'", { maxWorkers: '2' }, TypeError],
    ['minWorkers 3 > maxWorkers 2', { minWorkers: 3, maxWorkers: 2 }, RangeError],
    ['minWorkers -1', { minWorkers: -1 }, RangeError],
    ['minWorkers 0.5', { minWorkers: 0.5 }, TypeError],
    ['maxTasksPerWorker 0', { maxTasksPerWorker: 0 }, RangeError],
    ['maxTasksPerWorker 2.5', { maxTasksPerWorker: 2.5 }, TypeError],
    ["idleTimeout 'soon'", { idleTimeout: 'soon' }, TypeError],
    ['idleTimeout -1', { idleTimeout: -1 }, RangeError],
    ['taskTimeout 0', { taskTimeout: 0 }, RangeError],
    ['initializer 42 (not a task)', { initializer: 42 }, TypeError],
  ];
  for (const [what, options, errorClass] of cases) {
    it(`${what} throws ${errorClass.name}`, function () {
      expect(() => new ThreadPoolExecutor(options as Options)).to.throw(errorClass);
    });
  }

  it('valid options construct an executor without starting any worker (lazy start)', async function () {
    const ex = new ThreadPoolExecutor({
      maxWorkers: 3,
      minWorkers: 1,
      idleTimeout: 500,
      maxTasksPerWorker: 10,
      name: 'valid',
    });
    try {
      expect(ex.stats().workers).to.equal(0);
    } finally {
      await ex.shutdown();
    }
  });

  it('minWorkers equal to maxWorkers is allowed', async function () {
    const ex = new ThreadPoolExecutor({ maxWorkers: 2, minWorkers: 2 });
    await ex.shutdown();
  });
});

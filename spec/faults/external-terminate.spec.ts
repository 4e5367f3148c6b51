/**
 * Issue 4: a worker stopped from outside (worker.terminate() by someone else) fails the
 * task it was running with WorkerCrashedError, is replaced, and nothing else is lost.
 */
import { expect } from 'chai';
import { Worker } from 'node:worker_threads';
import { ThreadPoolExecutor, WorkerCrashedError } from '../../lib/index.js';

describe('faults: a worker terminated from outside', function () {
  this.timeout(30_000);
  const seen = new Set<Worker>();
  const originalOn = Worker.prototype.on;

  // Every Worker the pool makes registers an 'exit' listener: that is where we catch it.
  before(() => {
    Worker.prototype.on = function (this: Worker, event: string | symbol, listener: (...args: any[]) => void) {
      if (event === 'exit') seen.add(this);
      return originalOn.call(this, event, listener);
    } as typeof Worker.prototype.on;
  });
  after(() => {
    Worker.prototype.on = originalOn;
  });

  it('fails the running task with WorkerCrashedError, replaces the worker, and the next 10 tasks succeed', async () => {
    const ex = new ThreadPoolExecutor({ maxWorkers: 1, idleTimeout: 60_000 });
    try {
      const running = ex.submit((ms: number) => new Promise((r) => setTimeout(() => r(ms), ms)), 5_000);
      const queued = ex.submit((x: number) => x * 2, 21);
      while (!running.running()) await new Promise((r) => setTimeout(r, 5));
      const victims = [...seen].filter((w) => w.threadId > 0);
      expect(victims.length).to.be.at.least(1);
      for (const w of victims) await w.terminate();
      const err = await running.exception(10_000);
      expect(err).to.be.instanceOf(WorkerCrashedError);
      expect((err as WorkerCrashedError).reason).to.match(/stopped from outside/);
      expect((err as WorkerCrashedError).exitCode).to.equal(undefined);
      expect(await queued.result(10_000)).to.equal(42);
      const next = await Promise.all(Array.from({ length: 10 }, (_, i) => ex.submit((x: number) => x + 1, i)));
      expect(next).to.deep.equal(Array.from({ length: 10 }, (_, i) => i + 1));
      expect(ex.stats().workers).to.equal(1);
    } finally {
      await ex.shutdown();
    }
  });
});

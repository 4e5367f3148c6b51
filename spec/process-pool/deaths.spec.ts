/**
 * ProcessPoolExecutor (API.md, "Process pool"): every way a child process can die fails only
 * the task it ran, with a WorkerCrashedError that carries the exit code or the signal; the
 * host survives and the pool heals (the next tasks run on a new child).
 */
import { expect } from 'chai';
import { WorkerCrashedError, type ProcessPoolExecutor } from '../../lib/index.js';
import { rejectionOf, useProcessPools, waitUntil } from '../helpers/executors.js';

/** The pool still serves: two tasks on two children give their values. */
async function expectHealed(ex: ProcessPoolExecutor): Promise<void> {
  expect(await Promise.all([ex.submit((x: number) => x + 1, 1), ex.submit((x: number) => x + 1, 2)])).to.deep.equal([
    2, 3,
  ]);
  await waitUntil(() => ex.stats().workers === 2, `2 workers again (now ${ex.stats().workers})`);
}

async function crashOf(ex: ProcessPoolExecutor, fn: () => unknown): Promise<WorkerCrashedError> {
  const neighbour = ex.submit((ms: number) => new Promise((r) => setTimeout(() => r('fine'), ms)), 200);
  const err = await rejectionOf(ex.submit(fn));
  expect(err).to.be.instanceOf(WorkerCrashedError);
  expect(await neighbour, 'a task on the other child').to.equal('fine');
  return err as WorkerCrashedError;
}

describe('ProcessPoolExecutor: deaths of every kind', function () {
  this.timeout(30_000);
  const makePool = useProcessPools();

  it('process.exit(7): WorkerCrashedError with exitCode 7 and no signal', async function () {
    const ex = makePool({ maxWorkers: 2 });
    const err = await crashOf(ex, () => process.exit(7));
    expect(err.exitCode).to.equal(7);
    expect(err.signal).to.equal(undefined);
    expect(err.reason).to.match(/process\.exit\(7\)/);
    await expectHealed(ex);
  });

  it('process.abort(): signal SIGABRT', async function () {
    const ex = makePool({ maxWorkers: 2 });
    const err = await crashOf(ex, () => process.abort());
    expect(err.signal).to.equal('SIGABRT');
    expect(err.exitCode).to.equal(undefined);
    await expectHealed(ex);
  });

  it('a segmentation fault (SIGSEGV): signal SIGSEGV, named a native crash; the host survives', async function () {
    const ex = makePool({ maxWorkers: 2 });
    const err = await crashOf(ex, () => process.kill(process.pid, 'SIGSEGV'));
    expect(err.signal).to.equal('SIGSEGV');
    expect(err.reason).to.match(/native crash/);
    await expectHealed(ex);
  });

  it('out of memory under --max-old-space-size: named out of memory, with its signal', async function () {
    const ex = makePool({ maxWorkers: 2, execArgv: ['--max-old-space-size=32'] });
    const err = await crashOf(ex, () => {
      const hoard: number[][] = [];
      for (;;) hoard.push(new Array(100_000).fill(1));
    });
    expect(err.reason).to.match(/out of memory/);
    expect(err.signal ?? err.exitCode, 'a signal or an exit code').to.not.equal(undefined);
    await expectHealed(ex);
  });

  it('SIGKILL from outside while a task runs: signal SIGKILL', async function () {
    const ex = makePool({ maxWorkers: 2 });
    const victim = ex.submit(async () => {
      const { reportProgress } = await import('rxjs-futures/worker');
      reportProgress(process.pid);
      for (;;) await new Promise((r) => setTimeout(r, 50));
    });
    const pid = await new Promise<number>((resolve) => victim.progress$.subscribe((p) => resolve(p as number)));
    process.kill(pid, 'SIGKILL');
    const err = await rejectionOf(victim);
    expect(err).to.be.instanceOf(WorkerCrashedError);
    expect((err as WorkerCrashedError).signal).to.equal('SIGKILL');
    await expectHealed(ex);
  });

  it('an uncaught asynchronous error: WorkerCrashedError naming it', async function () {
    const ex = makePool({ maxWorkers: 2 });
    const err = await crashOf(
      ex,
      () =>
        new Promise(() =>
          setTimeout(() => {
            throw new RangeError('thrown from a timer');
          }, 10),
        ),
    );
    expect(err.reason).to.match(/RangeError: thrown from a timer/);
    await expectHealed(ex);
  });

  it('a child that dies before its handshake is a start failure, not a task calling process.exit', async function () {
    // --require of a missing module: Node exits with code 1 before our runtime loads, three times.
    const ex = makePool({ maxWorkers: 1, execArgv: ['--require', '/nonexistent/rxjs-futures-spec.cjs'] });
    const err = await rejectionOf(ex.submit(() => 1));
    expect((err as Error).name).to.equal('BrokenExecutorError');
    expect((err as Error).message).to.match(/cannot start .*exited with code 1 while starting/);
    expect((err as Error).message).to.not.match(/process\.exit/);
  });

  it('shutdown while a child runs its initializer: submit then throws ExecutorShutdownError, not BrokenExecutorError', async function () {
    const ex = makePool({
      maxWorkers: 2,
      initializer: () => new Promise((r) => setTimeout(r, 300)),
    });
    const f = ex.submit(() => 1);
    await new Promise((r) => setTimeout(r, 100)); // the children are in their initializer
    await ex.shutdown({ cancelFutures: true });
    expect(() => ex.submit(() => 2)).to.throw(/shut down/);
    expect(await f.exception().catch((e: unknown) => e)).to.satisfy(
      (e: unknown) => e === null || (e as Error).name !== 'BrokenExecutorError',
    );
  });

  it('the items of a map after a crash still run, on a new child', async function () {
    const ex = makePool({ maxWorkers: 1 });
    const outcomes = await Promise.allSettled(
      [1, 2, 3, 4].map((x) => ex.submit((v: number) => (v === 2 ? process.exit(1) : v * 10), x)),
    );
    expect(outcomes.map((o) => (o.status === 'fulfilled' ? o.value : (o.reason as Error).name))).to.deep.equal([
      10,
      'WorkerCrashedError',
      30,
      40,
    ]);
  });
});

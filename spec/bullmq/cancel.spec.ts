/**
 * Cancelling on remote workers: unsubscribing a parallelMap leaves nothing of it waiting or
 * running in Redis; a running task's currentSignal() aborts and, cooperative or not, its
 * worker process lives on; its reportProgress() reaches progress$; SIGTERM lets a running
 * task finish, then the worker exits 0.
 */
import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lastValueFrom, map, of, range, take, toArray } from 'rxjs';
import { parallelMap } from '../../lib/index.js';
import { countWithProgress, nap, sleepThen, spinForever, waitForAbort, whoami } from './remote-tasks.js';
import { waitUntil } from '../helpers/executors.js';
import { until, useCluster, useTempDir } from './cluster.js';

describe('BullMQExecutor: stopping remote tasks, their signal and progress', function () {
  this.timeout(40_000);
  const cluster = useCluster();
  const tempDir = useTempDir('rxjs-futures-cancel-');
  const read = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8') : '');

  it('unsubscribing a parallelMap leaves no job of it waiting or running in Redis', async () => {
    await cluster.startWorker({ threads: 1, concurrency: 2 });
    await cluster.startWorker({ threads: 1, concurrency: 2 });
    const ex = cluster.executor();
    const r = cluster.redis();
    const q = `bull:${cluster.queue}`;
    const firstThree = await lastValueFrom(
      range(0, 40).pipe(
        map((i) => 300 + (i % 3) * 100),
        parallelMap(nap, { executor: ex, chunksize: 1, window: 10 }),
        take(3),
        toArray(),
      ),
    );
    expect(firstThree).to.have.length(3);
    await until(
      async () =>
        (await r.llen(`${q}:wait`)) + (await r.llen(`${q}:active`)) + (await r.zcard(`${q}:prioritized`)) === 0,
      'no job waiting or running',
    );
    expect(await r.zcard(`${q}:delayed`)).to.equal(0);
    await waitUntil(() => ex.stats().queued + ex.stats().running === 0, 'stats to show nothing pending');
    expect(ex.stats().cancelled).to.be.greaterThan(0);
  });

  it('a future cancelled while its job is being added leaves no job in Redis', async () => {
    const ex = cluster.executor();
    const r = cluster.redis();
    const wait = `bull:${cluster.queue}:wait`;
    ex.submit(nap, 1); // no worker: it stays queued, and shows the executor sends jobs
    await until(async () => (await r.llen(wait)) === 1, 'the first job in Redis');
    const f = ex.submit(nap, 2);
    await Promise.resolve(); // the add is on its way now
    expect(f.cancel()).to.equal(true);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await r.llen(wait)).to.equal(1);
    expect(ex.stats()).to.include({ queued: 1, cancelled: 1 });
  });

  it('a running task stopped by unsubscription sees its signal abort, and the same worker process serves the next job', async () => {
    await cluster.startWorker({ threads: 1 });
    const ex = cluster.executor();
    const pid = await ex.submit(whoami);
    const file = join(tempDir(), 'abort');
    const sub = of(file)
      .pipe(parallelMap(waitForAbort, { executor: ex }))
      .subscribe({ error: () => {} });
    await waitUntil(() => read(file) === 'running', 'the task to run');
    sub.unsubscribe();
    await waitUntil(() => read(file) !== 'running', 'the task to see its signal abort');
    expect(read(file)).to.equal('CancelledError');
    expect(await ex.submit(whoami)).to.equal(pid);
  });

  it('a task that ignores its signal loses its thread after cancelGrace; the worker process lives on', async () => {
    const worker = await cluster.startWorker({ threads: 1 });
    const ex = cluster.executor();
    const sub = of(0)
      .pipe(parallelMap(spinForever, { executor: ex, cancelGrace: 50 }))
      .subscribe({ error: () => {} });
    await waitUntil(() => ex.stats().running === 1, 'the task to start');
    sub.unsubscribe();
    expect(await ex.submit(whoami).result(15_000)).to.equal(worker.pid);
  });

  it("reportProgress() in a remote task reaches the future's progress$, in order, values intact", async () => {
    await cluster.startWorker();
    const ex = cluster.executor();
    const seen: unknown[] = [];
    const f = ex.submit(countWithProgress, 3);
    f.progress$.subscribe((p) => seen.push(p));
    expect(await f).to.equal(3);
    expect(seen).to.deep.equal([1, 2, 3].map((step) => ({ step, at: new Date(0) })));
  });

  it('SIGTERM: the worker takes no more jobs, finishes the running one (its future settles), then exits 0', async () => {
    const worker = await cluster.startWorker({ threads: 1 });
    const ex = cluster.executor();
    const running = ex.submit(sleepThen, 1500, 'finished');
    await waitUntil(() => running.running(), 'the task to start');
    worker.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 200)); // the worker has heard SIGTERM
    const later = ex.submit(sleepThen, 0, 'later'); // handed back if the stopping worker fetches it
    expect(await running).to.equal('finished');
    expect(await worker.exited).to.deep.equal({ code: 0, signal: null });
    expect(later.done()).to.equal(false);
    await cluster.startWorker({ threads: 1 });
    expect(await later).to.equal('later');
  });
});

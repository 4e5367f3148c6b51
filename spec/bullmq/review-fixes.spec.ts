/**
 * Worker-side defects found in review: what a worker process must survive (a progress value
 * Redis cannot carry, a job that is not ours), a cancel mark honoured at every fetch and after
 * a dropped subscription, cancelled jobs that do not outlive their run, and a SIGTERM while Redis is down.
 */
import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { of } from 'rxjs';
import { TaskSerializationError, parallelMap } from '../../lib/index.js';
import { add, countRun, reportUnsendable, sleepThen, spinForever, waitForAbort, whoami } from './remote-tasks.js';
import { markCancelled } from '../../lib/executors/bullmq/cancel-channel.js';
import { queueKeys } from '../../lib/executors/bullmq/names.js';
import { waitUntil } from '../helpers/executors.js';
import { until, useCluster, useTempDir } from './cluster.js';

describe('BullMQ review fixes: the worker side', function () {
  this.timeout(60_000);
  const cluster = useCluster();
  const tempDir = useTempDir('rxjs-futures-review-');
  const read = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8') : '');

  it('a progress value Redis cannot carry fails that task with TaskSerializationError; the worker process lives on', async () => {
    const worker = await cluster.startWorker();
    const ex = cluster.executor();
    const err = await ex.submit(reportUnsendable, 'value').exception(30_000);
    expect(err).to.be.instanceOf(TaskSerializationError);
    expect((err as Error).message).to.match(/reportProgress\(\).*cannot be sent through Redis.*SharedArrayBuffer/);
    expect(await ex.submit(whoami).result(20_000)).to.equal(worker.pid);
    expect(worker.child.exitCode).to.equal(null);
  });

  it('a job cancelled before a worker fetched it never starts its task, even when the worker missed the cancel message', async () => {
    const ex = cluster.executor();
    const r = cluster.redis();
    const keys = queueKeys(cluster.queue);
    const file = join(tempDir(), 'runs');
    const f = ex.submit(countRun, file, 0, 'ran'); // no worker yet: it waits in Redis
    await until(async () => (await r.llen(`bull:${cluster.queue}:wait`)) === 1, 'the job to be in Redis');
    const [id] = await r.lrange(`bull:${cluster.queue}:wait`, 0, 0);
    // As a cancel() whose remove and message were lost (its host lost Redis half-way):
    // the job is marked, still waiting, and no worker was listening.
    await markCancelled(r, keys, id!);
    await cluster.startWorker({ threads: 1 });
    await waitUntil(() => f.done(), 'the future to settle', 20_000);
    expect(f.cancelled(), 'the future ends cancelled').to.equal(true);
    expect(read(file), 'the task never started').to.equal('');
    expect(await ex.submit(add, 1, 2)).to.equal(3);
  });

  it('a worker whose cancel subscription dropped reads the marks of its running jobs once it is back, and stops them', async () => {
    const worker = await cluster.startWorker({ threads: 1 });
    const ex = cluster.executor();
    const r = cluster.redis();
    const keys = queueKeys(cluster.queue);
    const file = join(tempDir(), 'abort');
    const f = ex.submit(waitForAbort, file);
    await waitUntil(() => read(file) === 'running', 'the task to run');
    const [id] = await r.lrange(`bull:${cluster.queue}:active`, 0, 0);
    await markCancelled(r, keys, id!); // its message is never sent: only the mark tells
    expect(Number(await r.call('CLIENT', 'KILL', 'TYPE', 'pubsub')), 'subscriptions dropped').to.be.greaterThan(0);
    await waitUntil(() => read(file) !== 'running', 'the task to see its signal abort', 20_000);
    expect(read(file)).to.equal('CancelledError');
    await waitUntil(() => f.done(), 'the future to settle', 20_000);
    expect(await ex.submit(whoami).result(20_000)).to.equal(worker.pid);
  });

  it('malformed job data fails that job with a clear error; the worker process lives on', async () => {
    const worker = await cluster.startWorker();
    const ex = cluster.executor();
    expect(await ex.submit(whoami)).to.equal(worker.pid);
    const queue = new Queue(cluster.queue, { connection: { port: cluster.server.port, host: '127.0.0.1' } });
    try {
      const bad: Record<string, unknown>[] = [
        { t: 'add', j: '5', s: 1 },
        { t: 'add', j: '[5]', s: 1 },
        { t: 'add', a: '!!not base64!!', s: 0 },
        { t: 'add', s: 1 },
        { t: 'add', j: '[[1,2]]', s: 1, r: 1e9 },
      ];
      const jobs = await Promise.all(bad.map((data, i) => queue.add('add', data, { jobId: `bad-${i}` })));
      const r = cluster.redis();
      for (const job of jobs) {
        await until(
          async () => (await r.hget(`bull:${cluster.queue}:${job.id}`, 'finishedOn')) !== null,
          `${job.id} to finish`,
        );
        const reason = await r.hget(`bull:${cluster.queue}:${job.id}`, 'failedReason');
        expect(reason, `${job.id}`).to.match(/is not an rxjs-futures job/);
      }
    } finally {
      await queue.close();
    }
    expect(await ex.submit(whoami).result(20_000)).to.equal(worker.pid);
  });

  it('a cancelled job leaves no key in Redis: removed while it waits, deleted once it finishes when it ran', async () => {
    const r = cluster.redis();
    const keys = queueKeys(cluster.queue);
    const ex = cluster.executor();
    const queued = ex.submit(add, 1, 1); // no worker yet: it waits in Redis
    await until(async () => (await r.llen(`bull:${cluster.queue}:wait`)) === 1, 'the job to be in Redis');
    const [waitingId] = await r.lrange(`bull:${cluster.queue}:wait`, 0, 0);
    expect(queued.cancel()).to.equal(true);
    await until(async () => (await r.exists(keys.job(waitingId!))) === 0, 'the waiting job to be removed', 5000);

    await cluster.startWorker();
    // It ignores its signal, so its job lasts cancelGrace after the stop: time to see the mark.
    const sub = of(0)
      .pipe(parallelMap(spinForever, { executor: ex, cancelGrace: 3000 }))
      .subscribe({ error: () => {} });
    await waitUntil(() => ex.stats().running === 1, 'the task to start');
    const [runningId] = await r.lrange(`bull:${cluster.queue}:active`, 0, 0);
    sub.unsubscribe(); // stops the running job, and marks it: it could still start again elsewhere
    await until(
      async () =>
        (await r.hget(keys.job(runningId!), 'data')) !== null &&
        !(await r.hget(keys.job(runningId!), 'data'))!.includes('"t"'),
      'the running job marked cancelled',
    );
    await until(async () => (await r.exists(keys.job(runningId!))) === 0, 'the stopped job deleted once it finished');
  });

  it('SIGTERM while Redis is down and a job runs: the worker exits 1 (its outcome could not be reported) instead of waiting forever', async () => {
    const worker = await cluster.startWorker();
    const ex = cluster.executor();
    const f = ex.submit(sleepThen, 1000, 'done');
    await waitUntil(() => f.running(), 'the task to start');
    await cluster.server.stop();
    worker.child.kill('SIGTERM');
    const exited = await within(worker.exited, 40_000);
    expect(exited).to.deep.equal({ code: 1, signal: null });
    expect(worker.stderr()).to.match(/1 running job\(s\) could not finish here/);
  });

  it('SIGTERM while Redis is down: the worker exits (0: no job was running) instead of waiting forever', async () => {
    const worker = await cluster.startWorker();
    await cluster.server.stop();
    await new Promise((resolve) => setTimeout(resolve, 500)); // it has seen the connection drop
    worker.child.kill('SIGTERM');
    const exited = await within(worker.exited, 40_000);
    expect(exited).to.deep.equal({ code: 0, signal: null });
  });
});

/** What `promise` gives, or 'hung' after `ms` (the timer does not keep mocha alive after). */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | 'hung'> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hung = new Promise<'hung'>((resolve) => (timer = setTimeout(() => resolve('hung'), ms)));
  try {
    return await Promise.race([promise, hung]);
  } finally {
    clearTimeout(timer);
  }
}

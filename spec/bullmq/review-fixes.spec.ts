/**
 * Worker-side defects found in review: what a worker process must survive (a progress value
 * Redis cannot carry, a job that is not ours), a cancel flag honoured before every start,
 * cancel flags that do not outlive their job, and a SIGTERM while Redis is down.
 */
import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { of } from 'rxjs';
import { TaskSerializationError, parallelMap } from '../../lib/index.js';
import { add, countRun, reportUnsendable, sleepThen, spinForever, whoami } from './remote-tasks.js';
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

  it('a job whose cancel flag is set never starts its task, even when the worker missed the cancel message', async () => {
    const worker = await cluster.startWorker({ threads: 1 });
    const ex = cluster.executor();
    const r = cluster.redis();
    const q = `bull:${cluster.queue}`;
    const pid = await ex.submit(whoami); // job <prefix>-0, done
    expect(pid).to.equal(worker.pid);
    // Jobs much newer than the worker's subscription are where a missed message mattered.
    await new Promise((resolve) => setTimeout(resolve, 5500));
    const prefix = await jobPrefix(r, q);
    await r.set(`${q}:rxf:cancelled:${prefix}1`, '1', 'PX', 60_000); // as a cancel() whose message was lost
    const file = join(tempDir(), 'runs');
    const f = ex.submit(countRun, file, 0, 'ran');
    await waitUntil(() => f.done(), 'the future to settle', 20_000);
    expect(f.cancelled(), 'the future ends cancelled').to.equal(true);
    expect(read(file), 'the task never started').to.equal('');
    expect(await ex.submit(add, 1, 2)).to.equal(3);
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

  it('a cancel flag is deleted with its job, and expires within an hour at most', async () => {
    const r = cluster.redis();
    const q = `bull:${cluster.queue}`;
    const ex = cluster.executor();
    const queued = ex.submit(add, 1, 1); // no worker yet: it waits in Redis
    await until(async () => (await r.llen(`${q}:wait`)) === 1, 'the job to be in Redis');
    expect(queued.cancel()).to.equal(true);
    await until(async () => (await r.llen(`${q}:wait`)) === 0, 'the job to be removed');
    await until(async () => (await r.keys(`${q}:rxf:cancelled:*`)).length === 0, 'no cancel flag left', 5000);

    await cluster.startWorker();
    // It ignores its signal, so its job lasts cancelGrace after the stop: time to see the flag.
    const sub = of(0)
      .pipe(parallelMap(spinForever, { executor: ex, cancelGrace: 3000 }))
      .subscribe({ error: () => {} });
    await waitUntil(() => ex.stats().running === 1, 'the task to start');
    sub.unsubscribe(); // stops the running job: its flag is set, as it could still start again
    await until(async () => (await r.keys(`${q}:rxf:cancelled:*`)).length === 1, 'the flag of the stopped job');
    const [flag] = await r.keys(`${q}:rxf:cancelled:*`);
    expect(await r.pttl(flag!)).to.be.within(1, 3600_000);
    await until(
      async () => (await r.keys(`${q}:rxf:cancelled:*`)).length === 0,
      'the flag deleted with its finished job',
    );
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

/** The id prefix of this queue's executor, from its first job: ids are `<prefix><counter in base 36>`. */
async function jobPrefix(r: ReturnType<ReturnType<typeof useCluster>['redis']>, q: string): Promise<string> {
  const keys = (await r.keys(`${q}:*`)).map((k) => k.slice(q.length + 1));
  const first = keys.find((k) => k.endsWith('-0'));
  if (first) return first.slice(0, -1);
  const events = await r.xrange(`${q}:events`, '-', '+');
  for (const [, fields] of events) {
    const i = fields.indexOf('jobId');
    if (i >= 0 && fields[i + 1]!.endsWith('-0')) return fields[i + 1]!.slice(0, -1);
  }
  throw new Error('no job of the executor found');
}

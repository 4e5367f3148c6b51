/**
 * The event stream is trimmed and a gap is silent: outcomes whose events were trimmed before
 * the executor read them still arrive, read back from the job hashes by the reconciler.
 * Here the stream keeps about one entry (maxLenEvents 1 on a Redis whose stream nodes hold
 * one entry each), and the executor's thread is blocked while the jobs finish.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { add, sleepThen } from './remote-tasks.js';
import { useCluster } from './cluster.js';

describe('BullMQExecutor: a gap in the event stream', function () {
  this.timeout(40_000);
  const cluster = useCluster({ config: { 'stream-node-max-entries': '1' } });

  it('futures whose events were trimmed unread still settle with their values', async () => {
    await cluster.startWorker({ threads: 2, concurrency: 8 });
    const ex = cluster.executor();
    expect(await ex.submit(add, 1, 1)).to.equal(2); // the executor listens
    const r = cluster.redis();
    await r.hset(`bull:${cluster.queue}:meta`, 'opts.maxLenEvents', '1');
    const futures = Array.from({ length: 8 }, (_, i) => ex.submit(sleepThen, 200 + 50 * i, i));
    await new Promise((resolve) => setTimeout(resolve, 100)); // they are queued and starting
    // The executor's thread stops reading while every job finishes and its events are trimmed.
    execFileSync('sleep', ['1.5']);
    expect(await r.xlen(`bull:${cluster.queue}:events`)).to.be.at.most(2);
    const t0 = Date.now();
    expect(await Promise.all(futures.map((f) => f.result(30_000)))).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(Date.now() - t0, 'settled by the reconciler within seconds').to.be.below(15_000);
  });
});

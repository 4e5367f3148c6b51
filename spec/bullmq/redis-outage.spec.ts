/**
 * Redis goes away: no future waits forever. New submits fail within seconds with an error
 * naming the connection; pending ones fail after unreachableTimeout; a restart recovers. A
 * restart that lost the jobs fails their futures with JobLostError; one with an append-only
 * file keeps them and they finish.
 */
import { expect } from 'chai';
import { RedisUnreachableError, JobLostError } from '../../lib/executors/bullmq/index.js';
import { add, sleepThen } from './remote-tasks.js';
import { waitUntil } from '../helpers/executors.js';
import { until, useCluster } from './cluster.js';

describe('BullMQExecutor: Redis stops, restarts, loses jobs', function () {
  this.timeout(60_000);

  describe('without persistence', function () {
    const cluster = useCluster();

    it('Redis stopped: new submits fail within seconds naming the connection, pending ones after unreachableTimeout; a restart recovers', async () => {
      await cluster.startWorker();
      const ex = cluster.executor({ unreachableTimeout: 3000 });
      expect(await ex.submit(add, 1, 2)).to.equal(3);
      const pending = ex.submit(sleepThen, 10_000, 'never');
      await waitUntil(() => pending.running(), 'the long task to start');
      await cluster.server.stop();

      const t0 = Date.now();
      const fresh = await ex.submit(add, 2, 3).exception();
      expect(fresh).to.be.instanceOf(RedisUnreachableError);
      expect((fresh as Error).message).to.contain(`127.0.0.1:${cluster.server.port}`);
      expect(Date.now() - t0, 'a new submit fails within a few seconds').to.be.below(10_000);

      const stale = await pending.exception();
      expect(stale).to.be.instanceOf(RedisUnreachableError);
      expect(Date.now() - t0, 'a pending future fails after unreachableTimeout').to.be.within(2500, 30_000);

      await cluster.server.restart();
      // The worker and the executor reconnect on their own; the new Redis has none of the old jobs.
      expect(await ex.submit(add, 20, 22).result(20_000)).to.equal(42);
    });

    it('Redis frozen (SIGSTOP, the socket stays open): futures fail within seconds, one being sent too; SIGCONT recovers', async () => {
      await cluster.startWorker({ threads: 2 }); // one thread stays busy with the long task
      const ex = cluster.executor({ unreachableTimeout: 3000 });
      expect(await ex.submit(add, 1, 2)).to.equal(3);
      const pending = ex.submit(sleepThen, 60_000, 'never');
      await waitUntil(() => pending.running(), 'the long task to start');
      const pid = cluster.server.pid!;
      process.kill(pid, 'SIGSTOP');
      try {
        const t0 = Date.now();
        const sending = ex.submit(add, 2, 3); // sent at once: nothing shows yet that Redis froze
        await new Promise((resolve) => setImmediate(resolve));
        const [lost, stale] = await Promise.all([sending.exception(40_000), pending.exception(40_000)]);
        expect(lost, 'the submit that was being sent').to.be.instanceOf(RedisUnreachableError);
        expect(stale, 'the pending future').to.be.instanceOf(RedisUnreachableError);
        expect((lost as Error).message).to.contain(`127.0.0.1:${cluster.server.port}`);
        expect(Date.now() - t0, 'within seconds').to.be.below(30_000);
        const fresh = await ex.submit(add, 3, 4).exception(40_000);
        expect(fresh, 'a new submit while frozen').to.be.instanceOf(RedisUnreachableError);
      } finally {
        process.kill(pid, 'SIGCONT');
      }
      expect(await ex.submit(add, 20, 22).result(30_000)).to.equal(42);
    });

    it('Redis restarted without persistence: a pending future fails with JobLostError, within 30 s', async () => {
      const ex = cluster.executor();
      const r = cluster.redis();
      const lost = ex.submit(add, 1, 1); // no worker: it waits in Redis
      await waitUntil(() => ex.stats().queued === 1, 'the job to be queued');
      await until(async () => (await r.llen(`bull:${cluster.queue}:wait`)) === 1, 'the job to be in Redis');
      await cluster.server.stop();
      await cluster.server.restart();
      const t0 = Date.now();
      const err = await lost.exception(30_000);
      expect(err).to.be.instanceOf(JobLostError);
      expect(Date.now() - t0).to.be.below(30_000);
      await cluster.startWorker();
      expect(await ex.submit(add, 2, 2).result(20_000)).to.equal(4);
    });

    it('a job deleted from Redis by someone else fails with JobLostError', async () => {
      const ex = cluster.executor();
      const r = cluster.redis();
      const f = ex.submit(add, 1, 1);
      await until(async () => (await r.llen(`bull:${cluster.queue}:wait`)) === 1, 'the job to be in Redis');
      const [id] = await r.lrange(`bull:${cluster.queue}:wait`, 0, 0);
      await r.del(`bull:${cluster.queue}:${id}`);
      await r.lrem(`bull:${cluster.queue}:wait`, 0, id!);
      expect(await f.exception(30_000)).to.be.instanceOf(JobLostError);
    });
  });

  describe('with an append-only file', function () {
    const cluster = useCluster({ persistent: true });

    it('Redis restarted with persistence: the pending future still gets its value', async () => {
      const ex = cluster.executor();
      const r = cluster.redis();
      const kept = ex.submit(add, 40, 2);
      await until(async () => (await r.llen(`bull:${cluster.queue}:wait`)) === 1, 'the job to be in Redis');
      await cluster.server.stop();
      await cluster.server.restart();
      await cluster.startWorker();
      expect(await kept.result(30_000)).to.equal(42);
    });
  });
});

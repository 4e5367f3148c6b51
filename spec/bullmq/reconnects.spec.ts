/**
 * What waits for a connection to come back, and goes once it is: deletes of finished jobs
 * (host), and the read of cancel marks after a worker's subscription dropped, when the
 * connection that reads them is back later than the subscriber's, or the job started just
 * after that read.
 */
import { expect } from 'chai';
import { Redis } from 'ioredis';
import { markCancelled, markRereader } from '../../lib/executors/bullmq/cancel-channel.js';
import { Janitor } from '../../lib/executors/bullmq/janitor.js';
import { queueKeys } from '../../lib/executors/bullmq/names.js';
import { until, useRedisServer } from './cluster.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('BullMQ: what waits for a connection to come back', function () {
  this.timeout(30_000);
  const own = useRedisServer();

  it('finished jobs whose deletion came while the connection was down are deleted once it is up', async () => {
    const keys = queueKeys('janitor');
    const client = new Redis(own.server.url, { lazyConnect: true }); // not connected yet: as during an outage
    const janitor = new Janitor(client, keys);
    try {
      await own.redis.hset(keys.job('j1'), 'timestamp', Date.now());
      await own.redis.zadd(keys.completed, Date.now(), 'j1');
      janitor.finished('j1', 'completed');
      await sleep(200);
      expect(await own.redis.exists(keys.job('j1')), 'kept while Redis cannot be told').to.equal(1);
      await client.connect();
      await until(
        async () => (await own.redis.exists(keys.job('j1'))) === 0,
        'the job deleted once Redis answers',
        5000,
      );
      expect(await own.redis.zcard(keys.completed)).to.equal(0);
    } finally {
      janitor.close();
      client.disconnect();
    }
  });

  it('the marks of running jobs are read once the connection that reads them is back, however late', async () => {
    const keys = queueKeys('marks');
    for (const id of ['a', 'b']) await own.redis.hset(keys.job(id), 'timestamp', Date.now(), 'data', '{"t":"x"}');
    await markCancelled(own.redis, keys, 'b'); // cancelled while the worker's subscription was down
    // The worker's command connection (no offline queue, as the worker's own), dropped and
    // back only 3 s later.
    const client = new Redis(own.server.url, { enableOfflineQueue: false, retryStrategy: () => 3000 });
    client.on('error', () => {});
    await new Promise((resolve) => client.once('ready', resolve));
    client.disconnect(true);
    const stopped: string[] = [];
    const errors: Error[] = [];
    const reread = markRereader(
      client,
      keys,
      () => ['a', 'b'],
      (id) => stopped.push(id),
      (err) => errors.push(err),
    );
    try {
      reread.resubscribed(); // the subscription is back
      await sleep(700);
      expect(stopped, 'nothing read while the connection is down').to.deep.equal([]);
      expect(errors.length, 'the failed reads are reported').to.be.greaterThan(0);
      await until(async () => stopped.length > 0, 'the marked job stopped', 10_000);
      expect(stopped).to.deep.equal(['b']);
    } finally {
      client.disconnect();
    }
  });

  it('a job that starts just after the marks were re-read has its own mark read; in normal running no job costs a read', async () => {
    const keys = queueKeys('late');
    for (const id of ['a', 'c']) await own.redis.hset(keys.job(id), 'timestamp', Date.now(), 'data', '{"t":"x"}');
    const client = new Redis(own.server.url, { enableOfflineQueue: false });
    await new Promise((resolve) => client.once('ready', resolve));
    let reads = 0;
    const pipeline = client.pipeline.bind(client);
    client.pipeline = ((...args: Parameters<typeof pipeline>) => (
      reads++,
      pipeline(...args)
    )) as typeof client.pipeline;
    const running = ['a'];
    const stopped: string[] = [];
    const marks = markRereader(
      client,
      keys,
      () => running,
      (id) => stopped.push(id),
      () => {},
    );
    try {
      marks.started(); // no subscription has come back: nothing to read
      await sleep(200);
      expect(reads, 'no read for a job started in normal running').to.equal(0);

      marks.resubscribed();
      await until(async () => reads === 1, 'the re-read after the resubscription', 5000);
      // Job c was fetched before its mark was written, and reaches its processor only now.
      await markCancelled(own.redis, keys, 'c');
      running.push('c');
      marks.started();
      await until(async () => stopped.length > 0, 'the late job stopped', 5000);
      expect(stopped).to.deep.equal(['c']);
    } finally {
      client.disconnect();
    }
  });
});

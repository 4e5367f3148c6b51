/**
 * cancel() racing an add whose reply was lost: the job may well be in Redis, so the cancel
 * that waited for the add must still be carried out, or a future whose cancel() said true
 * would have its task run. The outbox and the cancels are driven here with a queue whose add
 * reaches Redis but whose reply is lost (the connection "breaks" as it comes back).
 */
import { expect } from 'chai';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { Cancels, jobsExist } from '../../lib/executors/bullmq/cancels.js';
import { Janitor } from '../../lib/executors/bullmq/janitor.js';
import { RedisLink } from '../../lib/executors/bullmq/link.js';
import { queueKeys } from '../../lib/executors/bullmq/names.js';
import { Outbox } from '../../lib/executors/bullmq/outbox.js';
import { RemoteChunk, type ChunkHost } from '../../lib/executors/bullmq/remote-chunk.js';
import { RedisServer } from './redis-server.js';
import { until } from './cluster.js';

describe('BullMQ review fixes: cancel() racing a lost add reply', function () {
  this.timeout(30_000);
  let server: RedisServer;
  before(async () => (server = await RedisServer.start()));
  after(async () => server.dispose());

  it('a chunk cancelled while its add was out, whose reply was lost, leaves no job in Redis', async () => {
    const client = new Redis(server.url, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
    const queue = new Queue('lost', { connection: client });
    const keys = queueKeys('lost');
    const link = new RedisLink(client, server.url, { up: () => {}, down: () => {} });
    try {
      await queue.waitUntilReady();
      // Redis queues the job; the reply never comes back.
      const lossy = {
        add: async (...args: Parameters<Queue['add']>) => {
          await queue.add(...args);
          throw new Error('Connection is closed.');
        },
      } as unknown as Queue;
      const cancels = new Cancels(client, queue, keys, new Janitor(client, keys));
      const outbox = new Outbox(lossy, link, () => true, 3000, {
        added: (chunks) => cancels.afterAdd(chunks),
        unknown: (chunks) => cancels.afterAdd(chunks),
        exist: (ids) => jobsExist(client, keys, ids),
      });
      const host: ChunkHost = {
        cancelRemote: (c, mode) => cancels.send(c, mode),
        reachable: () => link.ready(),
        leaving: () => {},
        settled: () => {},
      };
      const sink = { complete: () => {} };
      const chunk = new RemoteChunk('lost-1', 1, { t: 'add', j: '[[1,2]]', s: 1 }, sink, host);
      outbox.push(chunk);
      await new Promise<void>((resolve) => queueMicrotask(resolve)); // the add is on its way
      expect(chunk.added).to.equal('sending');
      expect(chunk.withdraw(), 'cancel() says the task will never run').to.equal(true);
      await until(async () => chunk.added === 'unknown', 'the add to fail with its reply lost');
      await until(async () => (await client.llen('bull:lost:wait')) === 0, 'the job to be withdrawn from Redis', 5000);
      expect(await client.exists('bull:lost:lost-1')).to.equal(0);
      outbox.close();
    } finally {
      link.stop();
      await queue.close();
      client.disconnect();
    }
  });
});

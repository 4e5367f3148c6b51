/**
 * What a second review of the executor found: a healthy Redis taken for a frozen one (the
 * host was busy, or the PING waited behind a burst of answers), an add refused by a closing connection failed although Redis answered,
 * cancelled jobs left in Redis by shutdown({ cancelFutures }), an unreadable event more than
 * a page past the last one read never found, and cancel() saying true when Redis could not
 * be told.
 */
import { expect } from 'chai';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { BullMQExecutor } from '../../lib/executors/bullmq/index.js';
import { EventsListener } from '../../lib/executors/bullmq/events-listener.js';
import { RedisLink } from '../../lib/executors/bullmq/link.js';
import { queueKeys } from '../../lib/executors/bullmq/names.js';
import { Outbox } from '../../lib/executors/bullmq/outbox.js';
import { RemoteChunk, type ChunkHost } from '../../lib/executors/bullmq/remote-chunk.js';
import { add } from './remote-tasks.js';
import { until, useRedisServer } from './cluster.js';

/**
 * A script that keeps Redis busy for 100 ms, then answers. Padded past Redis's 16 KB read so
 * that each one arrives in a read of its own and is answered on its own, as a burst of adds
 * is (80 small commands in one read would all run before any answer leaves).
 */
const BUSY_100_MS = `local t = redis.call('TIME')
local start = t[1] * 1000000 + t[2]
repeat local n = redis.call('TIME') until n[1] * 1000000 + n[2] - start >= 100000
return 1
-- ${'x'.repeat(20_000)}`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('BullMQ executor: no false alarms, and a shutdown that leaves nothing behind', function () {
  this.timeout(60_000);
  const own = useRedisServer();

  /** Ids of the connections named `name` (CLIENT LIST), to see one dropped and remade. */
  const connectionIds = async (name: string) =>
    ((await own.redis.client('LIST')) as string)
      .split('\n')
      .filter((line) => line.includes(`name=${name} `))
      .map((line) => /(?:^| )id=(\d+)/.exec(line)?.[1]);

  it('a host busy for 3.5 s in synchronous code keeps its connection to a healthy Redis', async () => {
    const ex = new BullMQExecutor({ connection: own.server.url, queue: 'busy' });
    try {
      ex.submit(add, 1, 1); // no worker: it waits, and the executor is listening
      await until(async () => (await own.redis.llen('bull:busy:wait')) === 1, 'the job to be queued');
      const before = await connectionIds('rxjs-futures:busy:executor');
      const end = Date.now() + 3500;
      while (Date.now() < end); // the watchdog's ticks are late; its PING's answer waits unread
      await sleep(1500);
      expect(await connectionIds('rxjs-futures:busy:executor')).to.deep.equal(before);
    } finally {
      await ex.shutdown({ cancelFutures: true });
    }
  });

  it('a PING queued for seconds behind other answers on its connection (a burst of adds) keeps that connection', async () => {
    const client = new Redis(own.server.url);
    client.on('error', () => {});
    let closed = 0;
    client.on('close', () => closed++);
    const link = new RedisLink(client, 'test', { up: () => {}, down: () => {} });
    try {
      await client.ping();
      // 80 scripts of 100 ms: Redis answers one every 100 ms, and a PING the watchdog sends
      // meanwhile waits about 7 s for its turn, as behind 100,000 jobs added at once.
      const answers = await Promise.all(Array.from({ length: 80 }, () => client.eval(BUSY_100_MS, 0)));
      expect(answers).to.have.length(80);
      expect(closed, 'connection drops').to.equal(0);
    } finally {
      link.stop();
      client.disconnect();
    }
  });

  it('an add refused by a closing connection while Redis answers is sent again, not failed after the grace', async () => {
    const client = new Redis(own.server.url, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
    const queue = new Queue('refused', { connection: client });
    const link = new RedisLink(client, own.server.url, { up: () => {}, down: () => {} });
    try {
      await queue.waitUntilReady();
      let refusedOnce = false;
      const flaky = {
        add: async (...args: Parameters<Queue['add']>) => {
          if (refusedOnce) return queue.add(...args);
          refusedOnce = true;
          throw new Error("Stream isn't writeable and enableOfflineQueue options is false");
        },
      } as unknown as Queue;
      const outbox = new Outbox(flaky, link, () => link.ready(), 1000, {
        added: () => {},
        unknown: () => {},
        exist: async (ids) => ids.map(() => false),
      });
      let error: unknown;
      const host: ChunkHost = { cancelRemote: () => {}, reachable: () => true, leaving: () => {}, settled: () => {} };
      const sink = { complete: (_v: unknown, errors: unknown[] | null) => (error = errors?.[0]) };
      const chunk = new RemoteChunk('refused-1', 1, { t: 'add', j: '[[1,2]]', s: 1 }, sink, host);
      outbox.push(chunk);
      await sleep(1500); // past the grace
      expect(error, 'the chunk failed').to.equal(undefined);
      expect(chunk.added).to.equal('yes');
      expect(await client.exists('bull:refused:refused-1')).to.equal(1);
      outbox.close();
    } finally {
      link.stop();
      await queue.close();
      client.disconnect();
    }
  });

  it('shutdown({ cancelFutures: true }) while adds are on their way leaves no job in Redis', async () => {
    const ex = new BullMQExecutor({ connection: own.server.url, queue: 'bye' });
    const first = ex.submit(add, 0, 0);
    await until(async () => (await own.redis.llen('bull:bye:wait')) === 1, 'the executor to be listening');
    expect(first.cancel()).to.equal(true);
    const futures = Array.from({ length: 200 }, (_, i) => ex.submit(add, i, 1));
    await new Promise((resolve) => setImmediate(resolve)); // the addBulk is out
    await ex.shutdown({ cancelFutures: true });
    const outcomes = await Promise.allSettled(futures.map((f) => f.result()));
    expect(outcomes.every((o) => o.status === 'rejected' && o.reason.name === 'CancelledError')).to.equal(true);
    expect(await own.redis.llen('bull:bye:wait')).to.equal(0);
    const left = (await own.redis.keys('bull:bye:*')).filter((k) => !/:(meta|events|id|marker)$/.test(k));
    expect(left, 'jobs left').to.deep.equal([]);
  });

  it('the events loop finds an unreadable entry more than a page (1,000) past the last one read, and goes on', async () => {
    const keys = queueKeys('pages');
    const client = new Redis(own.server.url);
    const blocking = new Redis(own.server.url, { maxRetriesPerRequest: null });
    let last = '0-0';
    let restarts = 0;
    const finished: string[] = [];
    const listener = new EventsListener(blocking, client, keys, {
      pending: () => undefined,
      started: () => {},
      stalled: () => {},
      requeued: () => {},
      finished: (id) => finished.push(id),
      read: (id) => (last = id),
      lastRead: () => last,
      restarted: () => restarts++,
    });
    try {
      await client.xadd(keys.events, '*', 'event', 'added', 'jobId', 'x', 'name', 'n');
      await listener.start('0-0');
      await sleep(300);
      const p = client.pipeline();
      for (let i = 0; i < 1200; i++) p.xadd(keys.events, '*', 'event', 'drained'); // no handler: lastRead stays
      p.xadd(keys.events, '*', 'event', 'progress', 'jobId', 'mine', 'data', '{not json');
      p.xadd(keys.events, '*', 'event', 'completed', 'jobId', 'after', 'returnvalue', '1');
      await p.exec();
      await until(async () => finished.includes('after'), 'the event after the unreadable one', 10_000);
      expect(restarts).to.equal(1);
    } finally {
      await listener.close();
      client.disconnect();
      blocking.disconnect();
    }
  });

  it('cancel() of a job in Redis is false while Redis cannot be told (a worker could still run it)', () => {
    let reachable = false;
    const cancelled: string[] = [];
    const host: ChunkHost = {
      cancelRemote: (c) => cancelled.push(c.id),
      reachable: () => reachable,
      leaving: () => {},
      settled: () => {},
    };
    const chunk = new RemoteChunk('away-1', 1, { t: 'add', j: '[[1,2]]', s: 1 }, { complete: () => {} }, host);
    chunk.added = 'yes';
    expect(chunk.withdraw()).to.equal(false);
    expect(chunk.state).to.equal('queued');
    reachable = true;
    expect(chunk.withdraw()).to.equal(true);
    expect(cancelled).to.deep.equal(['away-1']);
    // Never sent: it can always be withdrawn, Redis or not.
    reachable = false;
    const local = new RemoteChunk('local-1', 1, { t: 'add', j: '[[1,2]]', s: 1 }, { complete: () => {} }, host);
    expect(local.withdraw()).to.equal(true);
  });
});

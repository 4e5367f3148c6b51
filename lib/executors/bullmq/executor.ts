/**
 * BullMQExecutor: the Executor contract on worker processes anywhere, through BullMQ on Redis.
 * A chunk is a job (a client-chosen id, registered before it is added); outcomes come
 * from one QueueEvents, and the reconciler reads back what the event stream missed.
 */
import { Queue } from 'bullmq';
import type { Redis, RedisOptions } from 'ioredis';
import { randomBytes } from 'node:crypto';
import type { ChunkHandle, ChunkOptions, ChunkSink } from '../../core/chunk.js';
import { ExecutorBase, type LiveStats } from '../../core/executor.js';
import { runPartitioned } from '../../core/serialization-check.js';
import type { EncodedTask } from '../../core/task.js';
import { Cancels, jobsExist } from './cancels.js';
import { encodeItems, type JobData } from './codec.js';
import { closeClient, describeConnection, makeClient } from './connection.js';
import { WorkerLostError } from './errors.js';
import { EventsListener } from './events-listener.js';
import { checkExecutorOptions, type BullMQExecutorOptions } from './executor-options.js';
import { Janitor } from './janitor.js';
import { RedisLink } from './link.js';
import { MAX_STALLED, queueKeys, type QueueKeys } from './names.js';
import { Outbox } from './outbox.js';
import { Reconciler } from './reconciler.js';
import { PendingJobs, RemoteChunk, type ChunkHost } from './remote-chunk.js';
import { remoteName } from './remote-task.js';
import { WorkerRegistry } from './workers.js';

/** ms a new task waits for an unreachable Redis before its future fails. */
const SUBMIT_GRACE_MS = 3000;
/** `parallelism` before any worker has been seen. */
const UNSEEN_PARALLELISM = 4;
/** The longest shutdown waits for adds and cancels still on their way to Redis. */
const SHUTDOWN_DRAIN_MS = 5000;

/**
 * Python's `concurrent.futures` Executor, with Dask's reach: tasks run on
 * `rxjs-futures-worker` processes on any machine that reaches the same Redis, through BullMQ.
 * Tasks are names (`remoteTask('fib')`) of exports the workers serve. Delivery is at least
 * once (a task whose worker dies runs again elsewhere); `atMostOnce: true` fails it instead.
 * @example
 * const executor = new BullMQExecutor({ connection: 'redis://127.0.0.1:6379' });
 * const fib = remoteTask<typeof Tasks.fib>('fib');
 * range(20, 10).pipe(parallelMap(fib, { executor })).subscribe(console.log);
 * await executor.shutdown();
 */
export class BullMQExecutor extends ExecutorBase {
  /** @internal */
  readonly defaultTimeout = undefined;
  readonly #keys: QueueKeys;
  readonly #retries: number;
  readonly #atMostOnce: boolean;
  readonly #unreachableTimeout: number;
  readonly #client: Redis;
  readonly #blocking: Redis;
  readonly #link: RedisLink;
  readonly #queue: Queue;
  readonly #events: EventsListener;
  readonly #pending = new PendingJobs();
  readonly #outbox: Outbox;
  readonly #reconciler: Reconciler;
  readonly #cancels: Cancels;
  readonly #registry: WorkerRegistry;
  /**
   * Job ids are this executor's random prefix and a counter: unique across executors and
   * restarts (72 random bits), and cheaper than a UUID each (two pieces, not a string built
   * from ~14 that the GC copies while the job is pending).
   */
  readonly #idPrefix = `${randomBytes(9).toString('base64url')}-`;
  #nextId = 0;
  #listening = false;
  #closed = false;
  #unreachableTimer: ReturnType<typeof setTimeout> | undefined;
  #idle: (() => void)[] = [];
  readonly #started: Promise<void>;
  readonly #host: ChunkHost = {
    cancelRemote: (chunk, mode) => this.#cancels.send(chunk, mode),
    reachable: () => this.#link.ready(),
    leaving: (chunk) => this.#pending.delete(chunk),
    settled: () => {
      this.changed();
      if (this.#pending.size === 0) for (const w of this.#idle.splice(0)) w();
    },
  };

  constructor(options: BullMQExecutorOptions) {
    super();
    const { connection, queue, retries, atMostOnce, unreachableTimeout } = checkExecutorOptions(options);
    this.#keys = queueKeys(queue);
    this.#retries = retries;
    this.#atMostOnce = atMostOnce;
    this.#unreachableTimeout = unreachableTimeout;

    this.#client = makeClient(connection, 'commands', `rxjs-futures:${queue}:executor`);
    this.#blocking = makeClient(connection, 'blocking', `rxjs-futures:${queue}:events`);
    this.#blocking.on('error', () => {}); // reported through the link, which watches #client
    this.#link = new RedisLink(this.#client, describeConnection(connection), {
      up: (afterOutage) => this.#up(afterOutage),
      down: () => this.#down(),
    });
    this.#queue = new Queue(queue, { connection: this.#client });
    this.#queue.on('error', () => {});
    this.#outbox = new Outbox(this.#queue, this.#link, () => this.#listening && this.#link.ready(), SUBMIT_GRACE_MS, {
      added: (chunks) => this.#cancels.afterAdd(chunks),
      unknown: (chunks) => this.#cancels.afterAdd(chunks),
      exist: (ids) => jobsExist(this.#client, this.#keys, ids),
    });
    this.#reconciler = new Reconciler(this.#client, this.#keys, this.#pending, this.#link, {
      finished: (id, set, settled) => this.#cancels.finished(id, set, settled),
    });
    this.#cancels = new Cancels(this.#client, this.#queue, this.#keys, new Janitor(this.#client, this.#keys));
    this.#events = new EventsListener(this.#blocking, this.#client, this.#keys, {
      pending: (id) => this.#pending.get(id),
      started: (chunk) => this.#pending.started(chunk) && this.changed(),
      stalled: (chunk) => this.#stalled(chunk),
      requeued: (chunk) => this.#pending.requeued(chunk) && this.changed(),
      finished: (id, set, settled) => this.#cancels.finished(id, set, settled),
      read: (id) => this.#reconciler.read(id),
      lastRead: () => this.#reconciler.lastRead,
      restarted: () => this.#reconciler.all().catch(() => undefined),
    });
    this.#registry = new WorkerRegistry(this.#client, this.#keys, () => this.changed());
    this.#started = this.#start().catch(() => {});
  }

  /** Jobs the workers seen serving the queue take at once (sizes map's default window); 4 before any is seen. */
  get parallelism(): number {
    return this.#registry.capacity() || UNSEEN_PARALLELISM;
  }

  /** @internal Only tasks the workers serve by name can run here. */
  override checkTask(task: EncodedTask): void {
    remoteName(task);
  }

  protected runChunkNow(task: EncodedTask, items: unknown[], options: ChunkOptions, sink: ChunkSink): ChunkHandle {
    if (options.stream) {
      throw new TypeError(
        'BullMQExecutor does not run streaming tasks (fromTaskStream, parallelMergeMap, parallelConcatMap): ' +
          'return an array from the task, or stream on a ThreadPoolExecutor',
      );
    }
    const encoded = encodeItems(items, options.spread);
    if (encoded.errors) {
      return runPartitioned(items, encoded.errors, sink, (good, s) => this.runChunkNow(task, good, options, s));
    }
    const data: JobData = {
      t: remoteName(task),
      ...encoded.data,
      s: options.spread ? 1 : 0,
      ...(options.timeoutMs !== undefined && { to: options.timeoutMs }),
      ...(options.graceMs !== undefined && { g: options.graceMs }),
      ...(this.#retries > 0 && { r: this.#retries }),
      ...(this.#atMostOnce && { o: 1 as const }),
    };
    const chunk = new RemoteChunk(this.#idPrefix + (this.#nextId++).toString(36), items.length, data, sink, this.#host);
    this.#pending.add(chunk);
    this.#outbox.push(chunk);
    return chunk;
  }

  protected liveStats(): LiveStats {
    const workers = this.#registry.count();
    const running = this.#pending.runningItems;
    return { workers, idleWorkers: running > 0 ? 0 : workers, queued: this.#pending.queuedItems, running };
  }

  protected async stop(_wait: boolean, cancelFutures: boolean): Promise<void> {
    if (cancelFutures) for (const chunk of [...this.#pending.values()]) chunk.drop();
    if (this.#pending.size > 0) await new Promise<void>((resolve) => this.#idle.push(resolve));
    // Withdrawn futures settle at once, but their adds and removes may still be on the way:
    // closing the connection under them would leave cancelled jobs waiting in Redis.
    const deadline = Date.now() + SHUTDOWN_DRAIN_MS;
    while (!(this.#outbox.idle() && this.#cancels.idle()) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    this.#closed = true;
    clearTimeout(this.#unreachableTimer);
    this.#outbox.close();
    this.#reconciler.stop();
    this.#link.stop();
    this.#registry.stop();
    await this.#cancels.flush();
    await Promise.allSettled([this.#events.close(), this.#queue.close()]);
    await Promise.all([closeClient(this.#client), closeClient(this.#blocking)]);
    await this.#started;
    this.changed();
  }

  /** Once Redis first answers: listen for outcomes from the stream's current end, then send jobs. */
  async #start(): Promise<void> {
    let lastId: string | undefined;
    while (lastId === undefined) {
      try {
        await this.#queue.waitUntilReady();
        if (this.#closed) return;
        const last = await this.#client.xrevrange(this.#keys.events, '+', '-', 'COUNT', 1);
        lastId = last[0]?.[0] ?? '0-0';
      } catch {
        if (this.#closed) return;
        await new Promise((r) => setTimeout(r, 200)); // it dropped again: the client reconnects
      }
    }
    if (this.#closed) return;
    this.#reconciler.read(lastId);
    await this.#events.start(lastId);
    if (this.#closed) return;
    this.#reconciler.start(lastId);
    this.#registry.start();
    this.#listening = true;
    this.#outbox.flush();
  }

  #up(afterOutage: boolean): void {
    clearTimeout(this.#unreachableTimer);
    this.#unreachableTimer = undefined;
    if (this.#closed) return;
    this.#outbox.flush();
    this.#cancels.retry();
    if (afterOutage && this.#listening) {
      this.#reconciler.all().catch(() => undefined); // a later reconnect or sweep tries again
      this.#registry.read().catch(() => undefined);
    }
  }

  #down(): void {
    if (this.#closed) return;
    this.#outbox.down();
    if (this.#unreachableTimer) return;
    this.#unreachableTimer = setTimeout(() => {
      this.#unreachableTimer = undefined;
      const what = 'the task was queued, but Redis stopped answering before its outcome came (it may still run later)';
      for (const chunk of [...this.#pending.values()]) {
        if (chunk.added !== 'no') chunk.fail(this.#link.unreachable(what));
      }
    }, this.#unreachableTimeout);
  }

  /**
   * A run lost its worker and BullMQ queued the job again. With atMostOnce, or after the last
   * allowed loss, that is the outcome whatever happens next (a worker that takes the job
   * refuses it, or BullMQ fails it), so the future fails now and the job is removed if it waits.
   */
  #stalled(chunk: RemoteChunk): void {
    chunk.stalls++;
    if (this.#pending.requeued(chunk)) this.changed();
    if (!this.#atMostOnce && chunk.stalls <= MAX_STALLED) return;
    chunk.fail(
      new WorkerLostError(
        chunk.stalls,
        this.#atMostOnce
          ? 'atMostOnce: true, so it was not run again'
          : 'the task keeps losing its worker, so it is not run again',
      ),
    );
    this.#cancels.send(chunk, 'withdraw');
  }
}

export type { BullMQExecutorOptions, RedisOptions };

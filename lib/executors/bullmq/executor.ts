/**
 * BullMQExecutor: the Executor contract on worker processes anywhere, through BullMQ on Redis.
 * A chunk is a job (a client-chosen id, registered before it is added); outcomes come
 * from one QueueEvents, and the reconciler reads back what the event stream missed.
 */
import { Queue, QueueEvents } from 'bullmq';
import type { Redis, RedisOptions } from 'ioredis';
import { randomBytes } from 'node:crypto';
import type { ChunkHandle, ChunkOptions, ChunkSink } from '../../core/chunk.js';
import { ExecutorBase, type LiveStats } from '../../core/executor.js';
import { checkBoolean, checkDuration, checkInteger, checkObject, describe } from '../../core/options.js';
import { runPartitioned } from '../../core/serialization-check.js';
import type { EncodedTask } from '../../core/task.js';
import { cancelJob } from './cancel-channel.js';
import { encodeItems, type JobData } from './codec.js';
import { closeClient, describeConnection, makeClient, type Connection } from './connection.js';
import { WorkerLostError } from './errors.js';
import { Janitor } from './janitor.js';
import { RedisLink } from './link.js';
import { MAX_STALLED, checkQueueName, queueKeys, type QueueKeys } from './names.js';
import { Outbox } from './outbox.js';
import { Reconciler } from './reconciler.js';
import { PendingJobs, RemoteChunk, type CancelMode, type ChunkHost } from './remote-chunk.js';
import { remoteName } from './remote-task.js';
import { listenForResults } from './results.js';
import { WorkerRegistry } from './workers.js';

/** Options of {@link BullMQExecutor}. */
export interface BullMQExecutorOptions {
  /** `'redis://127.0.0.1:6379'` (user, password and db in the URL as usual) or ioredis options. */
  connection: Connection;
  /** The BullMQ queue; default `'rxjs-futures'`. Workers must serve the same one (`--queue`). */
  queue?: string;
  /** Runs again, on the same worker, a task that throws; default 0 (it fails at once). */
  retries?: number;
  /** true: a task whose worker process dies is not run again; its future fails with WorkerLostError. Default false (at least once). */
  atMostOnce?: boolean;
  /** ms that queued or running tasks wait for an unreachable Redis before their futures fail; default 30,000. */
  unreachableTimeout?: number;
}

/** ms a new task waits for an unreachable Redis before its future fails. */
const SUBMIT_GRACE_MS = 3000;
/** `parallelism` before any worker has been seen. */
const UNSEEN_PARALLELISM = 4;

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
  #events: QueueEvents | undefined;
  readonly #pending = new PendingJobs();
  readonly #outbox: Outbox;
  readonly #reconciler: Reconciler;
  readonly #janitor: Janitor;
  readonly #registry: WorkerRegistry;
  /**
   * Job ids are this executor's random prefix and a counter: unique across executors and
   * restarts (72 random bits), and cheaper than a UUID each (two pieces, not a string built
   * from ~14 that the GC copies while the job is pending).
   */
  readonly #idPrefix = `${randomBytes(9).toString('base64url')}-`;
  #nextId = 0;
  /** Cancelled jobs that may still finish: deleted when they do. */
  readonly #orphans = new Set<string>();
  #listening = false;
  #closed = false;
  #unreachableTimer: ReturnType<typeof setTimeout> | undefined;
  #idle: (() => void)[] = [];
  readonly #started: Promise<void>;
  readonly #host: ChunkHost = {
    cancelRemote: (chunk, mode) => this.#cancelRemote(chunk, mode),
    settled: (chunk) => {
      this.#pending.delete(chunk);
      this.changed();
      if (this.#pending.size === 0) for (const w of this.#idle.splice(0)) w();
    },
  };

  constructor(options: BullMQExecutorOptions) {
    super();
    const where = 'BullMQExecutor';
    const o = checkObject(where, options) as Partial<BullMQExecutorOptions>;
    const connection = o.connection;
    if (typeof connection !== 'string' && (typeof connection !== 'object' || connection === null)) {
      throw new TypeError(
        `${where}: connection must be a Redis URL ('redis://127.0.0.1:6379') or ioredis options, got ${describe(connection)}`,
      );
    }
    checkInteger(where, 'retries', o.retries, 0);
    checkBoolean(where, 'atMostOnce', o.atMostOnce);
    checkDuration(where, 'unreachableTimeout', o.unreachableTimeout);
    const queue = checkQueueName(where, o.queue);
    this.#keys = queueKeys(queue);
    this.#retries = o.retries ?? 0;
    this.#atMostOnce = o.atMostOnce ?? false;
    this.#unreachableTimeout = o.unreachableTimeout ?? 30_000;

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
      added: (chunks) => {
        for (const c of chunks) if (c.cancelAfterAdd) this.#cancelRemote(c, c.cancelAfterAdd);
      },
    });
    this.#reconciler = new Reconciler(this.#client, this.#keys, this.#pending, this.#link, {
      finished: (id, set, settled) => this.#finished(id, set, settled),
    });
    this.#janitor = new Janitor(this.#client, this.#keys);
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
    if (cancelFutures) for (const chunk of [...this.#pending.values()]) if (chunk.state === 'queued') chunk.withdraw();
    if (this.#pending.size > 0) await new Promise<void>((resolve) => this.#idle.push(resolve));
    this.#closed = true;
    clearTimeout(this.#unreachableTimer);
    this.#outbox.close();
    this.#reconciler.stop();
    this.#registry.stop();
    await this.#janitor.flush();
    await Promise.allSettled([this.#events?.close(), this.#queue.close()]);
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
    const events = new QueueEvents(this.#keys.queue, { connection: this.#blocking, lastEventId: lastId });
    events.on('error', () => {});
    this.#events = events;
    listenForResults(events, {
      pending: (id) => this.#pending.get(id),
      started: (chunk) => this.#pending.started(chunk) && this.changed(),
      stalled: (chunk) => this.#stalled(chunk),
      requeued: (chunk) => this.#pending.requeued(chunk) && this.changed(),
      finished: (id, set, settled) => this.#finished(id, set, settled),
      read: (id) => this.#reconciler.read(id),
    });
    await events.waitUntilReady();
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
    if (afterOutage && this.#listening) {
      void this.#reconciler.all();
      void this.#registry.read();
    }
  }

  #down(): void {
    if (this.#closed || this.#unreachableTimer) return;
    this.#unreachableTimer = setTimeout(() => {
      this.#unreachableTimer = undefined;
      const what = 'the task was queued, but Redis stopped answering before its outcome came (it may still run later)';
      for (const chunk of [...this.#pending.values()]) {
        if (chunk.added !== 'no') chunk.fail(this.#link.unreachable(what));
      }
    }, this.#unreachableTimeout);
  }

  #cancelRemote(chunk: RemoteChunk, mode: CancelMode): void {
    if (chunk.added === 'no') return; // it never left this process: the outbox drops it
    if (chunk.added === 'sending') {
      // A remove now could come before the add: done once the job is surely there.
      chunk.cancelAfterAdd = mode;
      return;
    }
    if (mode !== 'soft') this.#orphans.add(chunk.id);
    cancelJob(this.#client, this.#queue, this.#keys, chunk.id, mode).then(
      (removed) => removed && this.#orphans.delete(chunk.id),
      () => {}, // Redis is away: the flag may be missing and the job may run; its outcome is ignored
    );
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
    this.#cancelRemote(chunk, 'withdraw');
  }

  #finished(id: string, set: 'completed' | 'failed', settled: boolean): void {
    if (settled || this.#orphans.delete(id)) this.#janitor.finished(id, set);
  }
}

export type { RedisOptions };

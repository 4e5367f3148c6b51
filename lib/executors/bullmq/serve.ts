/**
 * Worker side: a BullMQ Worker whose processor runs each job on a local ThreadPoolExecutor,
 * serving only the allow-list, stopping jobs the executor cancels, and announcing itself.
 */
import { Worker, type Job } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { ThreadPoolExecutor } from '../thread-pool.js';
import type { AllowList } from './allow-list.js';
import { isCancelMark, listenForCancels, markRereader } from './cancel-channel.js';
import { encodeProgress, type JobData, type JobOutcome } from './codec.js';
import { checkJob } from './job-data.js';
import { handBack } from './hand-back.js';
import { closeClient, describeConnection, makeClient } from './connection.js';
import { MAX_STALLED, queueKeys } from './names.js';
import { RunningJobs, runJob } from './run-job.js';
import { startHeartbeat } from './workers.js';
import { watchPings } from './watchdog.js';

/** On SIGTERM, how long Redis may stay silent before the worker stops waiting for it. */
const CLOSE_SILENT_MS = 5000;

export interface ServeOptions {
  readonly redis: string;
  readonly queue: string;
  readonly tasks: AllowList;
  readonly threads: number;
  readonly concurrency: number;
  /** BullMQ's lockDuration, and its stalled-check interval: a dead worker's job reruns within 2 × lockMs. */
  readonly lockMs: number;
  /** Where diagnostics go (stderr). */
  readonly log: (line: string) => void;
}

export interface Serving {
  /** The line that says this worker takes jobs. */
  readonly readyLine: string;
  /**
   * Stops taking jobs, lets the running ones finish, and closes everything. When Redis does
   * not answer for CLOSE_SILENT_MS meanwhile (nothing could be reported or handed back), it
   * stops waiting: `abandoned` running jobs then run again elsewhere once their lock expires.
   */
  close(): Promise<{ abandoned: number }>;
}

/** Starts serving; resolves once the worker takes jobs. */
export async function serve(o: ServeOptions): Promise<Serving> {
  const keys = queueKeys(o.queue);
  const id = randomUUID();
  const name = `rxjs-futures-worker:${hostname()}:${process.pid}`;
  const commands = makeClient(o.redis, 'commands', name);
  const blocking = makeClient(o.redis, 'blocking', name);
  const subscriber = makeClient(o.redis, 'subscriber', `${name}:cancel`);
  let lastError = '';
  const report = (err: Error) => {
    if (err.message !== lastError) o.log(`rxjs-futures-worker: ${err.message}`);
    lastError = err.message;
  };
  for (const c of [commands, blocking, subscriber]) {
    c.on('error', report);
    c.on('ready', () => (lastError = ''));
  }
  // Kept warm: the first job after a pause should not wait for a thread to start.
  const pool = new ThreadPoolExecutor({ maxWorkers: o.threads, minWorkers: o.threads });
  const running = new RunningJobs();
  /** Jobs taken and not yet finished in Redis (a finished task's outcome may still be on its way). */
  const inHand = new Set<string>();
  let stopping = false;

  const process_ = async (job: Job<JobData, JobOutcome>, token?: string): Promise<JobOutcome> => {
    if (stopping) await handBack(commands, keys, job, token);
    inHand.add(job.id!);
    // Cancelled before this fetch: the task never starts, whether or not its message came.
    if (isCancelMark(job.data)) return { k: 'cancelled' };
    // Throws for data no BullMQExecutor sent: BullMQ fails the job with that message.
    const { data, items } = checkJob(job.id, job.data);
    // A run before this one lost its worker (or was handed back): at most once means never again.
    if (data.o === 1 && job.attemptsStarted > 1) return { k: 'lost', runs: job.attemptsStarted - 1 };
    const task = o.tasks.get(data.t);
    if (!task) return { k: 'not-allowed', task: data.t, served: o.tasks.names };
    const run = running.register(job.id!);
    marks.started();
    try {
      if (run.stopped === 'stop') return { k: 'cancelled' }; // its message came before the job
      // Progress travels as the job's progress (a Redis write and an event each): report sparingly.
      const progress = (item: number, value: unknown) =>
        void job.updateProgress(encodeProgress(item, value)).catch(() => {});
      return await runJob(pool, task, data, items, run, progress);
    } finally {
      running.unregister(job.id!);
    }
  };

  // After a dropped subscription, the jobs running here may have missed their message.
  const marks = markRereader(
    commands,
    keys,
    () => running.ids(),
    (jobId) => running.stop(jobId, 'stop'),
    report,
  );
  await listenForCancels(
    subscriber,
    keys,
    (jobId, mode) => running.stop(jobId, mode),
    () => marks.resubscribed(),
  );
  const worker = new Worker<JobData, JobOutcome>(o.queue, process_, {
    connection: blocking,
    concurrency: o.concurrency,
    lockDuration: o.lockMs,
    stalledInterval: o.lockMs,
    maxStalledCount: MAX_STALLED,
    // After an outage, take jobs and report outcomes again within a second, not BullMQ's 15 s.
    runRetryDelay: 1000,
    name,
  });
  worker.on('error', report);
  worker.on('completed', (job) => inHand.delete(job.id!));
  worker.on('failed', (job) => job && inHand.delete(job.id!));
  await worker.waitUntilReady();
  const heartbeat = startHeartbeat(commands, keys, id, () => ({
    pid: process.pid,
    host: hostname(),
    threads: o.threads,
    concurrency: o.concurrency,
    tasks: o.tasks.names,
    at: Date.now(),
  }));

  return {
    readyLine:
      `rxjs-futures-worker ready queue=${o.queue} threads=${o.threads} concurrency=${o.concurrency} ` +
      `tasks=${o.tasks.names.join(',')} redis=${describeConnection(o.redis)} pid=${process.pid}`,
    async close() {
      stopping = true;
      let giveUp!: () => void;
      const silent = new Promise<'silent'>((resolve) => (giveUp = () => resolve('silent')));
      const watch = watchPings(commands, 500, CLOSE_SILENT_MS, giveUp);
      const graceful = (async () => {
        await worker.close(); // stops taking jobs; resolves once the running ones are done
        await heartbeat.stop();
      })();
      const how = await Promise.race([graceful.then(() => 'done' as const), silent]);
      watch.stop();
      const abandoned = how === 'silent' ? inHand.size : 0;
      if (how === 'silent') {
        graceful.catch(() => undefined);
        void worker.close(true).catch(() => undefined);
      }
      await pool.shutdown({ wait: how === 'done', cancelFutures: how === 'silent' });
      const clients = [commands, blocking, subscriber];
      // A QUIT to a silent Redis would wait for its answer.
      if (how === 'silent') for (const c of clients) c.disconnect();
      else await Promise.all(clients.map(closeClient));
      return { abandoned };
    },
  };
}

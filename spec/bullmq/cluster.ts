/**
 * A test cluster: the spec's own redis-server, rxjs-futures-worker processes (real children
 * of the built CLI) and BullMQExecutors on it, all cleaned up after each test even when it
 * fails. Each test gets its own queue, so tests on one Redis do not see each other's jobs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { BullMQExecutor, type BullMQExecutorOptions } from '../../lib/executors/bullmq/index.js';
import { RedisServer, type RedisServerOptions } from './redis-server.js';

const CLI = fileURLToPath(new URL('../../lib/executors/bullmq/cli.js', import.meta.url));
export const TASKS = fileURLToPath(new URL('../fixtures/bullmq-tasks.js', import.meta.url));

export interface WorkerProcess {
  readonly pid: number;
  readonly child: ChildProcess;
  readonly readyLine: string;
  stdout(): string;
  stderr(): string;
  /** Resolves when it has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface WorkerFlags {
  threads?: number;
  concurrency?: number;
  lockMs?: number;
  tasks?: string[];
  queue?: string;
}

export interface Cluster {
  readonly server: RedisServer;
  /** This test's queue. */
  readonly queue: string;
  /** Starts a worker process on this test's queue; resolves at its ready line. */
  startWorker(flags?: WorkerFlags): Promise<WorkerProcess>;
  /** Runs the CLI with `args` as they are (for the flag specs). */
  spawnCli(args: string[]): ChildProcess;
  executor(options?: Partial<BullMQExecutorOptions>): BullMQExecutor;
  /** A plain client, for looking into Redis. */
  redis(): Redis;
}

/** Declares the hooks; call at the top of a describe. */
export function useCluster(options: RedisServerOptions = {}): Cluster {
  let server: RedisServer | undefined;
  let n = 0;
  let queue = '';
  const children: ChildProcess[] = [];
  const executors: BullMQExecutor[] = [];
  const clients: Redis[] = [];

  before(async function () {
    this.timeout(20_000);
    server = await RedisServer.start(options);
  });
  beforeEach(function () {
    queue = `q${++n}`;
  });
  afterEach(async function () {
    this.timeout(30_000);
    await Promise.all(
      children.splice(0).map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const gone = new Promise((r) => child.once('exit', r));
        child.kill('SIGKILL');
        await gone;
      }),
    );
    if (server && !server.pid) await server.restart(); // a test stopped it: the executors can close cleanly
    await Promise.all(
      executors.splice(0).map((ex) => ex.shutdown({ wait: true, cancelFutures: true }).catch(() => undefined)),
    );
    for (const c of clients.splice(0)) c.disconnect();
  });
  after(async function () {
    await server?.dispose();
  });

  const cliArgs = (flags: WorkerFlags) => [
    CLI,
    '--redis',
    server!.url,
    '--queue',
    flags.queue ?? queue,
    ...(flags.tasks ?? [TASKS]).flatMap((t) => ['--tasks', t]),
    '--threads',
    String(flags.threads ?? 1),
    ...(flags.concurrency === undefined ? [] : ['--concurrency', String(flags.concurrency)]),
    '--lock-ms',
    String(flags.lockMs ?? 1000),
  ];

  return {
    get server() {
      return server!;
    },
    get queue() {
      return queue;
    },
    spawnCli(args) {
      const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      children.push(child);
      return child;
    },
    async startWorker(flags = {}) {
      const child = spawn(process.execPath, cliArgs(flags), { stdio: ['ignore', 'pipe', 'pipe'] });
      children.push(child);
      let out = '';
      let err = '';
      child.stdout!.on('data', (d) => (out += d));
      child.stderr!.on('data', (d) => (err += d));
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        child.once('exit', (code, signal) => resolve({ code, signal })),
      );
      const readyLine = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`worker not ready after 15 s; stderr:\n${err}`)), 15_000);
        child.stdout!.on('data', () => {
          const line = out.split('\n').find((l) => l.startsWith('rxjs-futures-worker ready'));
          if (line) {
            clearTimeout(timer);
            resolve(line);
          }
        });
        void exited.then(({ code, signal }) => {
          clearTimeout(timer);
          reject(new Error(`worker exited (${code ?? signal}) before it was ready; stderr:\n${err}`));
        });
      });
      return { pid: child.pid!, child, readyLine, exited, stdout: () => out, stderr: () => err };
    },
    executor(opts = {}) {
      const ex = new BullMQExecutor({ connection: server!.url, queue, ...opts });
      executors.push(ex);
      return ex;
    },
    redis() {
      const c = new Redis(server!.url, { maxRetriesPerRequest: 1 });
      c.on('error', () => {});
      clients.push(c);
      return c;
    },
  };
}

/** A fresh temp folder for each test (for files that tasks write), removed after it. */
export function useTempDir(prefix: string): () => string {
  let dir = '';
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), prefix))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  return () => dir;
}

/** Polls an async `predicate` (a look into Redis) until it holds; rejects after `timeoutMs`. */
export async function until(predicate: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A redis-server of the describe block's own, and a client to it: for specs that need no workers. */
export interface OwnRedis {
  readonly server: RedisServer;
  readonly redis: Redis;
}

/** Declares the hooks; read `server` and `redis` inside the tests. */
export function useRedisServer(): OwnRedis {
  const own = {} as { server: RedisServer; redis: Redis };
  before(async () => {
    own.server = await RedisServer.start();
    own.redis = new Redis(own.server.url);
  });
  after(async () => {
    own.redis.disconnect();
    await own.server.dispose();
  });
  return own;
}

/**
 * A redis-server of the spec's own, on a free port, stopped by its PID: the specs never use
 * or touch the Redis that may run on 6379. `persistent` turns on the append-only file
 * (fsync always) in a temp dir, so that a restart keeps the jobs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RedisServerOptions {
  /** appendonly yes, appendfsync always: a restart keeps what was written. */
  readonly persistent?: boolean;
  /** More `--name value` settings. */
  readonly config?: Readonly<Record<string, string>>;
}

/**
 * Servers running now, killed by PID when this process exits: a mocha that dies of an
 * uncaught error (or calls process.exit) must not leave redis-servers behind.
 */
const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) {
    try {
      process.kill(child.pid!, 'SIGKILL');
    } catch {
      // gone already
    }
  }
});

export class RedisServer {
  #child: ChildProcess | undefined;
  readonly dir = mkdtempSync(join(tmpdir(), 'rxjs-futures-redis-'));

  private constructor(
    readonly port: number,
    private readonly options: RedisServerOptions,
  ) {}

  /** Starts one on a free port and resolves once it answers PING. */
  static async start(options: RedisServerOptions = {}): Promise<RedisServer> {
    const server = new RedisServer(await freePort(), options);
    await server.restart();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** (Re)starts it on the same port (and, when persistent, the same files). */
  async restart(): Promise<void> {
    if (this.#child) throw new Error('redis-server is running; stop() it first');
    const args = [
      '--port',
      String(this.port),
      '--bind',
      '127.0.0.1',
      '--dir',
      this.dir,
      '--save',
      '',
      ...(this.options.persistent ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']),
      ...Object.entries(this.options.config ?? {}).flatMap(([k, v]) => [`--${k}`, v]),
    ];
    const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    this.#child = child;
    live.add(child);
    child.once('exit', () => {
      live.delete(child);
      if (this.#child === child) this.#child = undefined;
    });
    const end = Date.now() + 10_000;
    while (!(await answersPing(this.port))) {
      if (this.#child !== child || Date.now() > end) {
        await Promise.race([exited, delay(100)]);
        throw new Error(`redis-server did not start on port ${this.port}:\n${output}`);
      }
      await delay(20);
    }
  }

  /** Stops it by its PID (SIGKILL: no shutdown save) and waits until it is gone. */
  async stop(): Promise<void> {
    const child = this.#child;
    if (!child) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await gone;
  }

  /** Stops it and removes its files. */
  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
    socket.once('data', (d) => done(d.toString().startsWith('+PONG')));
  });
}

/**
 * The Node platform: worker threads spawned with threads.js, driven over a MessageChannel
 * of their own, deaths seen through the Worker's `exit` and `error` events; and worker
 * processes (node-process.ts).
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { serialize } from 'node:v8';
import { isAbsolute } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MessageChannel, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import type { HostMessage, InitSpec, WorkerMessage } from '../protocol.cjs';
import { ProcessTransport } from './node-process.js';
import { createThreadsWorker, type ThreadsWorker } from './node-worker.js';
import type { Platform, SpawnOptions, WorkerEvents, WorkerTransport } from './platform.js';

export const platform: Platform = {
  name: 'node',
  cpuCount: availableParallelism,
  macrotask: setImmediate,
  // Not queueMicrotask: under async_hooks that makes an AsyncResource per call.
  soon: (fn) => process.nextTick(fn),
  unrefTimer: (timer) => (timer as { unref(): void }).unref(),
  checkPoolOptions(where, o) {
    if (o.resourceLimits !== undefined && (typeof o.resourceLimits !== 'object' || o.resourceLimits === null)) {
      throw new TypeError(
        `${where}: resourceLimits must be an object of Node's ResourceLimits, got ${typeof o.resourceLimits}`,
      );
    }
  },
  moduleUrl(module) {
    const url = module instanceof URL ? module : isAbsolute(module) ? pathToFileURL(module) : absoluteUrl(module);
    if (url.protocol === 'file:' && !existsSync(fileURLToPath(url))) {
      throw new TypeError(
        `task(): module not found: ${fileURLToPath(url)} (use an absolute path or new URL('./x.js', import.meta.url))`,
      );
    }
    return url;
  },
  threads: (options) => ({
    sharedMemory: true,
    noun: 'worker thread',
    transfers: true,
    claimAhead: false, // claims are a compare-exchange in shared memory: nothing to save
    hearMs: 5,
    probe: structuredClone,
    spawn: (events) => new NodeTransport(options, events),
  }),
  processes: (options) => ({
    sharedMemory: false,
    noun: 'worker process',
    transfers: false, // the IPC channel serializes: a transfer list would mean nothing
    claimAhead: true, // a claim is an IPC round trip: ~0.1–0.2 ms here
    hearMs: 30, // an IPC round trip to a child took over 5 ms here under load
    probe: (value) => void serialize(value), // what fork's advanced serialization uses
    spawn: (events) => new ProcessTransport(options, events),
  }),
};

function absoluteUrl(module: string): URL {
  try {
    return new URL(module);
  } catch {
    throw new TypeError(
      `task(): '${module}' is a relative path; relative to what is ambiguous in a worker — pass new URL('${module}', import.meta.url) or an absolute path`,
    );
  }
}

class NodeTransport implements WorkerTransport {
  readonly #threads;
  readonly #worker;
  #port: MessagePort | undefined;

  constructor(
    options: SpawnOptions,
    private readonly events: WorkerEvents,
  ) {
    this.#threads = createThreadsWorker(options);
    this.#worker = this.#threads.worker;
    // threads.js listens to neither; without these an OOM or crash would kill the host.
    this.#worker.on('error', (err: Error & { code?: string }) => {
      const oom = err.code === 'ERR_WORKER_OUT_OF_MEMORY';
      events.error(oom ? 'out of memory (resourceLimits exceeded)' : `worker error: ${err.message}`, err);
    });
    this.#worker.on('exit', (code: number) => {
      // Messages posted just before the exit (results, a crash report) may still wait
      // in our port: take them first, so that they count and the reason is right.
      this.drain();
      this.#port?.close();
      events.exit({ code });
    });
  }

  get threadId(): number {
    return this.#worker.threadId;
  }

  #thread: Awaited<ReturnType<ThreadsWorker['spawn']>> | undefined;

  async spawn(): Promise<void> {
    this.#thread = await this.#threads.spawn();
  }

  connect(shared: SharedArrayBuffer | null, init: InitSpec | null): Promise<void> {
    const { port1, port2 } = new MessageChannel();
    this.#port = port1;
    port1.on('message', (batch: WorkerMessage[]) => this.events.message(batch));
    port1.unref(); // the worker's own ref decides whether the process stays alive
    return this.#thread!.connect(port2, shared, init);
  }

  post(batch: HostMessage[], transfers: object[] | undefined): void {
    this.#port!.postMessage(batch, transfers as never);
  }

  drain(): boolean {
    if (!this.#port) return false;
    let got = false;
    let batch: { message: WorkerMessage[] } | undefined;
    while ((batch = receiveMessageOnPort(this.#port) as typeof batch)) {
      this.events.message(batch.message);
      got = true;
    }
    return got;
  }

  setRef(ref: boolean): void {
    if (ref) this.#worker.ref();
    else this.#worker.unref();
  }

  terminate(): void {
    void Promise.resolve(this.#worker.terminate()).catch(() => {});
  }

  releaseSpawn(): void {
    this.#threads.releaseSpawn();
  }
}

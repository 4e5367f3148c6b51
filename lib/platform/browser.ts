/**
 * The browser platform: web workers spawned with threads.js from our worker runtime,
 * bundled at build time and started as a BlobWorker from text (so users need no bundler
 * plugin). Browsers have no exit event: a worker's death is either ours (terminate) or
 * its own report (a crash, or a task's self.close()), after which it closes.
 */
import { BlobWorker, spawn, Transfer } from 'threads';
import type { HostMessage, InitSpec, WorkerMessage } from '../protocol.cjs';
import { WORKER_SOURCE } from './browser-worker-source.js';
import type { Platform, SpawnOptions, WorkerEvents, WorkerTransport } from './platform.js';

/** The few browser globals used here (the package's types must not need the DOM lib either). */
interface Port {
  onmessage: ((e: { data: WorkerMessage[] }) => void) | null;
  postMessage(data: unknown, transfer: object[]): void;
  close(): void;
}
interface WebWorker {
  addEventListener(type: 'error', fn: (e: { message?: string; error?: unknown; preventDefault(): void }) => void): void;
  terminate(): void;
}
const web = globalThis as unknown as {
  navigator?: { hardwareConcurrency?: number };
  crossOriginIsolated?: boolean;
  MessageChannel: new () => { port1: Port; port2: Port };
};

/** One MessageChannel for every macrotask: setTimeout(0) is clamped to 4 ms once nested. */
const ticks: (() => void)[] = [];
let tickChannel: { port1: Port; port2: Port } | undefined;
function macrotask(fn: () => void): void {
  if (!tickChannel) {
    tickChannel = new web.MessageChannel();
    tickChannel.port1.onmessage = () => ticks.shift()?.();
  }
  ticks.push(fn);
  tickChannel.port2.postMessage(0, []);
}

export const platform: Platform = {
  name: 'browser',
  cpuCount: () => web.navigator?.hardwareConcurrency || 2,
  macrotask,
  soon: (fn) => queueMicrotask(fn), // called as a method: a bare queueMicrotask throws "Illegal invocation"
  unrefTimer: () => {}, // a page does not exit
  checkPoolOptions(where, o) {
    if (o.resourceLimits !== undefined) {
      throw new TypeError(
        `${where}: resourceLimits is a Node option (worker heap limits) that browsers do not offer; remove it`,
      );
    }
  },
  moduleUrl(module) {
    if (module instanceof URL) return module;
    try {
      return new URL(module);
    } catch {
      throw new TypeError(
        `task(): '${module}' is not an absolute URL; a worker imports task modules by URL — pass new URL('${module}', import.meta.url) or an absolute URL`,
      );
    }
  },
  threads: (options) => ({
    // A page that is not cross-origin isolated has no SharedArrayBuffer to share.
    sharedMemory: web.crossOriginIsolated === true && typeof SharedArrayBuffer === 'function',
    noun: 'web worker',
    transfers: true,
    // Exact claims keep the Scheduling contract on a page without isolation (a chunk's claim costs ~0.1 ms).
    claimAhead: false,
    hearMs: 5,
    probe: (value) => void structuredClone(value),
    spawn: (events) => new BrowserTransport(options, events),
  }),
};

let nextThreadId = 1;

class BrowserTransport implements WorkerTransport {
  readonly threadId = nextThreadId++;
  readonly #worker: WebWorker;
  #thread: { connect(...args: unknown[]): Promise<void> } | undefined;
  #port: Port | undefined;
  #gone = false;

  constructor(
    options: SpawnOptions,
    private readonly events: WorkerEvents,
  ) {
    // CORSWorkaround off: threads.js would wrap our blob: URL in a second blob.
    this.#worker = BlobWorker.fromText(WORKER_SOURCE, { name: options.name, CORSWorkaround: false } as never) as never;
    // A script error of the worker itself (it could not even load: a CSP without blob:).
    this.#worker.addEventListener('error', (e) => {
      e.preventDefault();
      events.error(`worker error: ${e.message ?? String(e.error)}`, e.error);
      this.#end();
    });
  }

  async spawn(): Promise<void> {
    this.#thread = (await spawn(this.#worker as never, { timeout: 30_000 })) as never;
  }

  connect(shared: SharedArrayBuffer | null, init: InitSpec | null): Promise<void> {
    const { port1, port2 } = new web.MessageChannel();
    this.#port = port1;
    port1.onmessage = (e) => {
      this.events.message(e.data);
      // The worker reported its crash (or a task's self.close()) and closes; nothing else will say it died.
      if (e.data.some((m) => m.k === 'crash' || m.k === 'exit')) this.#end();
    };
    return this.#thread!.connect(Transfer(port2 as never, [port2 as never]), shared, init);
  }

  post(batch: HostMessage[], transfers: object[] | undefined): void {
    this.#port!.postMessage(batch, transfers ?? []);
  }

  drain(): boolean {
    return false; // browsers cannot read a port synchronously
  }

  setRef(): void {} // a page does not exit

  terminate(): void {
    this.#end();
  }

  releaseSpawn(): void {}

  /**
   * Terminates, then judges the death one macrotask later: a message posted just before
   * terminate() still arrives in Chromium, and it must count (a result, a crash report).
   */
  #end(): void {
    if (this.#gone) return;
    this.#gone = true;
    this.#worker.terminate();
    macrotask(() => {
      this.#port?.close();
      this.events.exit({});
    });
  }
}

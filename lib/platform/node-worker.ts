/**
 * Everything threads.js does for the pool, in one place: making the Worker (a BlobWorker
 * that loads our runtime), the spawn handshake, the one `connect` call, and the
 * workarounds for what threads.js leaves undone.
 */
import { fileURLToPath } from 'node:url';
import type { MessagePort, Worker } from 'node:worker_threads';
import { BlobWorker, spawn, Transfer } from 'threads';
import type { InitSpec, WorkerApi } from '../protocol.cjs';

const RUNTIME_PATH = fileURLToPath(new URL('../worker/node.bundle.cjs', import.meta.url));
// Eval'd boot text: threads.js resolves worker paths against its caller's stack; a
// BlobWorker that requires our runtime by absolute path side-steps that. The runtime is
// CommonJS because a worker's first import() starts the ESM loader, ~45 ms per spawn here,
// and one bundled file (scripts/bundle-workers.mjs) because loading ~20 modules cost ~10 ms more.
const BOOT = `require(${JSON.stringify(RUNTIME_PATH)})`;

/**
 * The Node Worker threads.js makes (its class extends worker_threads.Worker, adding DOM-style
 * listeners). Described without threads.js's types, which must not reach any .d.ts.
 */
export type NodeWorker = Worker & {
  addEventListener(event: string, fn: (e: unknown) => void): void;
  removeEventListener(event: string, fn: (e: unknown) => void): void;
};

export interface ThreadsWorker {
  readonly worker: NodeWorker;
  /** Spawns (threads.js handshake), then hands over the port and runs the initializer. */
  spawn(): Promise<{
    connect(port: MessagePort, shared: SharedArrayBuffer | null, init: InitSpec | null): Promise<void>;
  }>;
  /**
   * threads.js's spawn() waits for an init message with a 30 s timer that nothing clears
   * when the thread dies first; that timer would keep the process alive. This answers
   * it. Node removes a dead Worker's listeners, so the ones spawn() added are recorded.
   */
  releaseSpawn(): void;
}

export function createThreadsWorker(options: { name?: string; resourceLimits?: object }): ThreadsWorker {
  const worker = BlobWorker.fromText(BOOT, {
    name: options.name,
    resourceLimits: options.resourceLimits,
  } as never) as unknown as NodeWorker;
  const spawnListeners = new Set<(e: unknown) => void>();
  const add = worker.addEventListener.bind(worker);
  const remove = worker.removeEventListener.bind(worker);
  Object.assign(worker, {
    addEventListener: (event: string, fn: (e: unknown) => void) => {
      if (event === 'message') spawnListeners.add(fn);
      add(event as never, fn as never);
    },
    removeEventListener: (event: string, fn: (e: unknown) => void) => {
      spawnListeners.delete(fn);
      remove(event as never, fn as never);
    },
  });
  return {
    worker,
    async spawn() {
      type Api = WorkerApi & Record<string, (...a: any[]) => any>;
      const thread = await spawn<Api>(worker as never, { timeout: 30_000 });
      return {
        connect: (port, shared, init) =>
          thread.connect(Transfer(port as never, [port as never]) as never, shared, init),
      };
    },
    releaseSpawn() {
      for (const fn of spawnListeners) fn({ data: { type: 'init', exposed: { type: 'function' } } });
    },
  };
}

/**
 * The running task as `rxjs-futures/worker` sees it: the signal that aborts when the host
 * stops the task, and where its progress values go. Hooks are left on globalThis (see
 * WORKER_HOOKS) because a task module imports `rxjs-futures/worker` through its own module
 * graph, not this bundled runtime's.
 */
import { WORKER_HOOKS, type ProgressMessage, type WorkerHooks } from '../protocol.cjs';
import { probe } from './encode-error.cjs';

interface Active {
  readonly id: number;
  /** The index of the item running now. */
  readonly item: () => number;
  /** Made at the first currentSignal() of an item: tiny tasks that never ask pay nothing. */
  controller?: AbortController;
  controllerItem: number;
  reason?: Error;
}

let active: Active | undefined;

export function enterChunk(id: number, item: () => number): void {
  active = { id, item, controllerItem: -1 };
}

export function leaveChunk(): void {
  active = undefined;
}

/** Aborts the running chunk's signal; false if chunk `id` is not the one running. */
export function abortChunk(id: number, name: string, message: string): boolean {
  if (active?.id !== id) return false;
  active.reason = Object.assign(new Error(message), { name });
  active.controller?.abort(active.reason);
  return true;
}

/** Called once by the runtime: `send` queues a progress message for the host. */
export function installHooks(send: (m: ProgressMessage) => void): void {
  const hooks: WorkerHooks = {
    signal() {
      const a = active;
      if (!a) return undefined;
      const item = a.item();
      if (!a.controller || a.controllerItem !== item) {
        a.controller = new AbortController();
        a.controllerItem = item;
        if (a.reason) a.controller.abort(a.reason);
      }
      return a.controller.signal;
    },
    progress(value) {
      if (!active) return false;
      // Checked here, where the task can be told, rather than failing the worker's next message.
      probe(value);
      send({ k: 'progress', id: active.id, item: active.item(), value });
      return true;
    },
  };
  (globalThis as Record<symbol, unknown>)[WORKER_HOOKS] = hooks;
}

/**
 * The worker entry in a browser (a web worker started from a blob): the port is a DOM
 * MessagePort, crashes are seen through the worker's `error` and `unhandledrejection`
 * events (a worker stays alive after them: this one reports and closes itself), a task's
 * own self.close() is reported before it takes effect, and task modules are imported by
 * absolute URL.
 */
import type { HostMessage, WorkerMessage } from '../protocol.cjs';
import { expose } from 'threads/worker';
import { serve } from './runtime.cjs';
import { setModuleImporter } from './task-loader.cjs';

interface Port {
  onmessage: ((e: { data: HostMessage[] }) => void) | null;
  postMessage(data: unknown, transfer: object[]): void;
}
interface Scope {
  addEventListener(
    type: string,
    fn: (e: { error?: unknown; message?: string; reason?: unknown; preventDefault(): void }) => void,
  ): void;
  close(): void;
}
const scope = globalThis as unknown as Scope;
/** The real close: a task's own self.close() is reported first (see onCrash). */
const closeSelf = scope.close.bind(scope);

interface TickPort {
  onmessage: (() => void) | null;
  postMessage(m: unknown): void;
}
const deferred: (() => void)[] = [];
const ticker = new (
  globalThis as unknown as { MessageChannel: new () => { port1: TickPort; port2: TickPort } }
).MessageChannel();
ticker.port1.onmessage = () => deferred.shift()?.();

setModuleImporter({
  // Left to the browser: bundlers must not try to resolve a task's URL at build time.
  load: (url) => import(/* @vite-ignore */ /* webpackIgnore: true */ url) as Promise<Record<string, unknown>>,
  describe: (url) => url,
});

const api = serve({
  listen(p, onBatch) {
    const port = p as Port;
    port.onmessage = (e) => onBatch(e.data);
    return { post: (batch: WorkerMessage[], transfers) => port.postMessage(batch, transfers ?? []) };
  },
  onCrash(die, exiting) {
    // A closed web worker fires nothing the page can see: a task that closes its own worker
    // says so first, or its future would never settle.
    scope.close = () => {
      exiting(undefined, 'self.close()');
      closeSelf();
    };
    scope.addEventListener('error', (e) => {
      e.preventDefault();
      die(e.error ?? new Error(e.message));
    });
    scope.addEventListener('unhandledrejection', (e) => {
      e.preventDefault();
      die(e.reason);
    });
  },
  defer(fn) {
    // One MessageChannel: setTimeout(0) is clamped once nested, and browsers have no setImmediate.
    deferred.push(fn);
    ticker.port2.postMessage(0);
  },
  exit() {
    closeSelf();
    throw new Error('this worker has closed after a crash');
  },
});
expose(api as unknown as Record<string, (...args: any[]) => any>);

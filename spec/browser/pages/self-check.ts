/**
 * The harness's own check (harness-self.spec.ts): what the page sees of cross-origin isolation,
 * and what a module worker started from a Blob URL can do: import /tasks.js by absolute URL,
 * share memory (when isolated), and run eval / new Function (not under the csp mode).
 */
import { firstValueFrom, from, map, reduce } from 'rxjs';
import { blobWorker, page, report } from './dom.js';

const WORKER_SOURCE = `
const attempt = (fn) => { try { return { ok: true, value: fn() }; } catch (e) { return { ok: false, name: e && e.name, message: String(e && e.message) }; } };
self.onmessage = async (event) => {
  const origin = self.location.origin;
  const tasks = await import(origin + '/tasks.js');
  const shared = event.data.shared;
  if (shared) Atomics.store(new Int32Array(shared), 0, tasks.fib(10));
  self.postMessage({
    href: self.location.href,
    origin,
    fib20: tasks.fib(20),
    crossOriginIsolated: self.crossOriginIsolated,
    sharedArrayBuffer: typeof SharedArrayBuffer,
    eval: attempt(() => (0, eval)('6 * 7')),
    newFunction: attempt(() => new Function('return 6 * 7')()),
  });
};
`;

const attempt = (fn: () => unknown) => {
  try {
    return { ok: true, value: fn() };
  } catch (e) {
    return { ok: false, name: (e as Error).name, message: String((e as Error).message) };
  }
};

report(async () => {
  const isolated = page.crossOriginIsolated;
  const shared = typeof SharedArrayBuffer === 'function' ? new SharedArrayBuffer(4) : undefined;
  const worker = await blobWorker(WORKER_SOURCE, { shared });
  return {
    origin: page.location.origin,
    crossOriginIsolated: isolated,
    sharedArrayBuffer: typeof SharedArrayBuffer,
    sharedWrittenByWorker: shared ? Atomics.load(new Int32Array(shared), 0) : null,
    rxjs: await firstValueFrom(
      from([1, 2, 3]).pipe(
        map((x) => x * 2),
        reduce((a, b) => a + b, 0),
      ),
    ),
    pageNewFunction: attempt(() => new Function('return 6 * 7')()),
    worker,
  };
});

/**
 * The few browser globals the pages in this directory use, typed locally: the repo's tsconfig
 * has no DOM lib, and a global `/// <reference lib="dom" />` or ambient .d.ts here would leak
 * DOM types into every file of the program (lib/ included). Pages read them through `page`.
 */
export interface BrowserWorker {
  postMessage(message: unknown): void;
  terminate(): void;
  onmessage: ((event: { data: unknown }) => void) | null;
  onerror: ((event: { message?: string; filename?: string; lineno?: number }) => void) | null;
  onmessageerror: ((event: unknown) => void) | null;
}

export interface PageGlobals {
  crossOriginIsolated: boolean;
  location: { origin: string; href: string };
  Worker: new (url: string, options?: { type?: 'classic' | 'module'; name?: string }) => BrowserWorker;
  /** Installed by the harness: the run resolves with `value` (JSON-serialisable). */
  __done(value: unknown): void;
  /** Installed by the harness: the run rejects with `message`. */
  __fail(message: string): void;
}

export const page = globalThis as unknown as PageGlobals;

/** Runs `main` and reports its result with __done, or its error (with stack) with __fail. */
export function report(main: () => Promise<unknown>): void {
  main().then(
    (value) => page.__done(value),
    (err: unknown) => page.__fail(err instanceof Error ? (err.stack ?? err.message) : String(err)),
  );
}

/**
 * Starts a module worker from a Blob URL with `code` as its source, sends it `message`, and
 * resolves with the first message it posts back (rejects on its error event or after `ms`).
 */
export function blobWorker(code: string, message: unknown, ms = 20_000): Promise<unknown> {
  const url = URL.createObjectURL(new Blob([code], { type: 'text/javascript' }));
  const worker = new page.Worker(url, { type: 'module' });
  return new Promise<unknown>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`blob worker: no message within ${ms} ms`)), ms);
    const settle = (fn: () => void) => {
      clearTimeout(timer);
      worker.terminate();
      URL.revokeObjectURL(url);
      fn();
    };
    worker.onmessage = (e) => settle(() => resolve(e.data));
    worker.onerror = (e) =>
      settle(() =>
        reject(new Error(`blob worker error: ${e.message ?? '(no message)'} ${e.filename ?? ''}:${e.lineno ?? ''}`)),
      );
    worker.onmessageerror = () => settle(() => reject(new Error('blob worker: messageerror')));
    worker.postMessage(message);
  });
}

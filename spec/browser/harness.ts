/**
 * Runs a browser module in headless Chromium (Debian's /usr/bin/chromium, driven by
 * playwright-core; `.ci/install-browser` installs it) and hands its outcome back to mocha.
 *
 * `withBrowser()` launches one browser (about a second; playwright gives it a fresh temporary
 * profile and removes it on close). Each `run()` bundles its entry with esbuild, serves it from
 * its own node:http server on 127.0.0.1 (a free port) under the headers of its `mode`, and opens
 * it in a new browser context. The page signals its outcome with `window.__done(value)` or
 * `window.__fail(message)`; a page error, a crash or the timeout fails the run too, and the
 * rejection carries every console line (page and workers) and every failed request.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { chromium, type Browser, type ConsoleMessage } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Whether the Chromium the harness drives is installed. */
export const hasChromium = (): boolean => existsSync(CHROMIUM_PATH);

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * `isolated`: COOP same-origin + COEP require-corp (crossOriginIsolated, SharedArrayBuffer).
 * `plain`: neither (no SharedArrayBuffer). `csp`: plain plus
 * `Content-Security-Policy: script-src 'self'; worker-src blob: 'self'` (no eval, no new Function).
 */
export type PageMode = 'isolated' | 'plain' | 'csp';

export interface RunOptions {
  /** Absolute path of the page's .ts/.js module; bundled and loaded as /bundle.js. */
  entry: string;
  mode: PageMode;
  /** Extra files served verbatim at /<name> (name may contain '/'); content type by extension. */
  files?: Record<string, string | Buffer>;
  /** Extra modules bundled like `entry` and served at /<name>, e.g. { 'tasks.js': '/abs/tasks.ts' }. */
  bundles?: Record<string, string>;
  /** Fails the run when the page has not called __done/__fail by then. Default 60 000 ms. */
  timeoutMs?: number;
  /**
   * Bare package name to the directory of an installed package, e.g.
   * { 'rxjs-futures': `${installDir}/node_modules/rxjs-futures` }: `name` and `name/sub` resolve in
   * that directory through its package.json `exports` (with the 'browser' condition). Use this, not
   * `nodePaths`, for rxjs-futures itself: esbuild resolves a package's own name from files inside it
   * (self-reference: spec/ imports of 'rxjs-futures' find this checkout's dist/) before `nodePaths`.
   */
  packages?: Record<string, string>;
  /**
   * esbuild `alias`: bare name to another import path or an absolute *file*. An absolute package
   * directory does not work (esbuild reads no package.json there); use `packages`.
   */
  alias?: Record<string, string>;
  /** esbuild `nodePaths`: extra node_modules-like directories searched for bare imports, last. */
  nodePaths?: string[];
  /** Called with every console line as it arrives (they are also kept for the rejection message). */
  onConsole?: (line: string) => void;
  /** After __done: a PNG of the page is written here. */
  screenshot?: string;
  /** The page's viewport, CSS pixels. */
  viewport?: { width: number; height: number };
}

export interface BrowserHarness {
  /** Resolves with the value the page passed to `window.__done`. */
  run<T = unknown>(opts: RunOptions): Promise<T>;
  close(): Promise<void>;
}

/** Absolute path of a module in spec/browser/pages/ (source, not dist), e.g. `pagePath('self-check.ts')`. */
export function pagePath(name: string): string {
  return join(repoRoot(), 'spec', 'browser', 'pages', name);
}

/** The repository's root: the nearest directory above this file holding package.json. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('harness: no package.json above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
  return dir;
}

export async function withBrowser(): Promise<BrowserHarness> {
  if (!hasChromium()) {
    throw new Error(`harness: ${CHROMIUM_PATH} is missing; run .ci/install-browser (as root)`);
  }
  const browser: Browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  return {
    run: <T>(opts: RunOptions) => runPage<T>(browser, opts),
    close: () => browser.close(),
  };
}

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

const INDEX_HTML =
  '<!doctype html>\n<html><head><meta charset="utf-8"><link rel="icon" href="data:,">' +
  '<title>browser spec</title></head>\n<body><script type="module" src="/bundle.js"></script></body></html>\n';

function modeHeaders(mode: PageMode): Record<string, string> {
  const headers: Record<string, string> = {
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Cache-Control': 'no-store',
  };
  if (mode === 'isolated') {
    headers['Cross-Origin-Opener-Policy'] = 'same-origin';
    headers['Cross-Origin-Embedder-Policy'] = 'require-corp';
  } else if (mode === 'csp') {
    headers['Content-Security-Policy'] = "script-src 'self'; worker-src blob: 'self'";
  } else if (mode !== 'plain') {
    throw new Error(`harness: unknown mode ${String(mode)}`);
  }
  return headers;
}

/**
 * An esbuild plugin resolving each bare `name` (and `name/sub`) of `packages` as if imported from
 * a directory whose node_modules/<name> links to the given package directory.
 */
async function packagesPlugin(packages: Record<string, string>): Promise<{ plugin: Plugin; cleanup(): Promise<void> }> {
  const linkDir = await mkdtemp(join(tmpdir(), 'browser-harness-'));
  for (const [name, dir] of Object.entries(packages)) {
    await mkdir(dirname(join(linkDir, 'node_modules', name)), { recursive: true });
    await symlink(resolve(dir), join(linkDir, 'node_modules', name), 'dir');
  }
  const names = Object.keys(packages).map((n) => n.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));
  const filter = new RegExp(`^(${names.join('|')})(/.*)?$`);
  const plugin: Plugin = {
    name: 'harness-packages',
    setup(b) {
      b.onResolve({ filter }, async (args) => {
        if (args.pluginData === linkDir) return undefined;
        const found = await b.resolve(args.path, { kind: args.kind, resolveDir: linkDir, pluginData: linkDir });
        return found.errors.length ? { errors: found.errors } : { path: found.path, external: found.external };
      });
    },
  };
  return { plugin, cleanup: () => rm(linkDir, { recursive: true, force: true }) };
}

async function bundle(entry: string, opts: RunOptions): Promise<string> {
  const names = Object.keys(opts.packages ?? {});
  const pkgs = names.length ? await packagesPlugin(opts.packages ?? {}) : undefined;
  try {
    return await bundleWith(entry, opts, pkgs ? [pkgs.plugin] : []);
  } finally {
    await pkgs?.cleanup();
  }
}

async function bundleWith(entry: string, opts: RunOptions, plugins: Plugin[]): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    conditions: ['browser'],
    target: 'es2022',
    sourcemap: 'inline',
    logLevel: 'silent',
    alias: opts.alias,
    nodePaths: opts.nodePaths,
    plugins,
  });
  return result.outputFiles[0].text;
}

async function runPage<T>(browser: Browser, opts: RunOptions): Promise<T> {
  const routes = new Map<string, string | Buffer>([
    ['/', INDEX_HTML],
    ['/index.html', INDEX_HTML],
  ]);
  const [main, ...extra] = await Promise.all([
    bundle(opts.entry, opts),
    ...Object.values(opts.bundles ?? {}).map((entry) => bundle(entry, opts)),
  ]);
  routes.set('/bundle.js', main);
  Object.keys(opts.bundles ?? {}).forEach((name, i) => routes.set('/' + name.replace(/^\/+/, ''), extra[i]));
  for (const [name, body] of Object.entries(opts.files ?? {})) routes.set('/' + name.replace(/^\/+/, ''), body);

  const headers = modeHeaders(opts.mode);
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const body = routes.get(path);
    const type = path === '/' ? CONTENT_TYPES['.html'] : CONTENT_TYPES[extname(path)];
    res.writeHead(body === undefined ? 404 : 200, {
      ...headers,
      'Content-Type': body === undefined ? CONTENT_TYPES['.txt'] : (type ?? 'application/octet-stream'),
    });
    res.end(req.method === 'HEAD' ? undefined : (body ?? `not found: ${path}\n`));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const log: string[] = [];
  const note = (line: string) => {
    log.push(line);
    opts.onConsole?.(line);
  };
  // Page 'console' events include dedicated workers' lines (msg.worker() names the worker).
  const onConsole = (msg: ConsoleMessage) => {
    const loc = msg.location();
    const at = loc.url ? ` (${loc.url.replace(origin, '')}:${loc.lineNumber})` : '';
    note(`[${msg.worker() ? 'worker' : 'page'} ${msg.type()}] ${msg.text()}${at}`);
  };

  const context = await browser.newContext(opts.viewport ? { viewport: opts.viewport } : {});
  const timeoutMs = opts.timeoutMs ?? 60_000;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const page = await context.newPage();
    const outcome = new Promise<T>((resolve, reject) => {
      const fail = (why: string) => reject(new Error(`browser page (${opts.mode}) failed: ${why}`));
      timer = setTimeout(() => fail(`no __done/__fail within ${timeoutMs} ms`), timeoutMs);
      page.on('console', onConsole);
      page.on('worker', (worker) => {
        note(`[worker started] ${worker.url().replace(origin, '')}`);
        worker.on('close', () => note(`[worker closed] ${worker.url().replace(origin, '')}`));
      });
      page.on('pageerror', (err) => fail(`page error: ${err.stack ?? err.message}`));
      page.on('crash', () => fail('page crashed'));
      page.on('requestfailed', (req) =>
        note(`[request failed] ${req.url().replace(origin, '')}: ${req.failure()?.errorText ?? '?'}`),
      );
      page.on('response', (res) => {
        if (res.status() >= 400) note(`[http ${res.status()}] ${res.url().replace(origin, '')}`);
      });
      Promise.all([
        page.exposeFunction('__done', (value: T) => resolve(value)),
        page.exposeFunction('__fail', (message: unknown) => fail(`__fail: ${String(message)}`)),
      ])
        .then(() => page.goto(origin + '/', { timeout: timeoutMs }))
        .catch((err: Error) => fail(`navigation: ${err.message}`));
    });
    const value = await outcome.catch((err: Error) => {
      err.message += log.length ? `\n  console:\n    ${log.join('\n    ')}` : '\n  (no console output)';
      throw err;
    });
    if (opts.screenshot) await page.screenshot({ path: opts.screenshot });
    return value;
  } finally {
    clearTimeout(timer);
    await context.close().catch(() => {});
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/**
 * One browser for a describe block: launched before its tests, closed after. Skips them
 * when Chromium is missing, unless CI is set (then a missing browser is a failure).
 */
export function useBrowser(): Pick<BrowserHarness, 'run'> {
  let browser: BrowserHarness | undefined;
  before(async function () {
    if (!hasChromium() && !process.env.CI) {
      console.log(`      (skipped: ${CHROMIUM_PATH} is missing; run .ci/install-browser as root)`);
      this.skip();
    }
    browser = await withBrowser();
  });
  after(() => browser?.close());
  return { run: (opts) => browser!.run(opts) };
}

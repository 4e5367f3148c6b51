/**
 * The browser harness itself (harness.ts): in each mode the page sees the isolation it should,
 * a module worker started from a Blob URL imports a served /tasks.js by absolute URL, and the csp
 * mode forbids eval and new Function in that worker as on the page. Also: failures reach mocha
 * with the page's console lines, and `packages` points a bare import at a package directory.
 *
 * Skips when /usr/bin/chromium is missing, unless CI is set (then a missing browser fails).
 */
import { expect } from 'chai';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pagePath, useBrowser, type PageMode } from './harness.js';

const TASKS_JS = `
export function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
`;

interface Attempt {
  ok: boolean;
  value?: unknown;
  name?: string;
  message?: string;
}

interface SelfCheck {
  origin: string;
  crossOriginIsolated: boolean;
  sharedArrayBuffer: string;
  sharedWrittenByWorker: number | null;
  rxjs: number;
  pageNewFunction: Attempt;
  worker: {
    href: string;
    origin: string;
    fib20: number;
    crossOriginIsolated: boolean;
    sharedArrayBuffer: string;
    eval: Attempt;
    newFunction: Attempt;
  };
}

describe('browser harness (headless Chromium)', function () {
  this.timeout(60_000);
  const browser = useBrowser();

  const selfCheck = (mode: PageMode) =>
    browser.run<SelfCheck>({ entry: pagePath('self-check.ts'), mode, files: { 'tasks.js': TASKS_JS } });

  it('isolated: crossOriginIsolated, SharedArrayBuffer on the page and in a blob worker', async () => {
    const r = await selfCheck('isolated');
    expect([r.crossOriginIsolated, r.sharedArrayBuffer]).to.deep.equal([true, 'function']);
    expect(r.rxjs).to.equal(12);
    expect(r.worker.href).to.match(/^blob:http:\/\/127\.0\.0\.1:\d+\//);
    expect(r.worker.origin).to.equal(r.origin);
    expect(r.worker.fib20).to.equal(6765);
    expect([r.worker.crossOriginIsolated, r.worker.sharedArrayBuffer]).to.deep.equal([true, 'function']);
    expect(r.sharedWrittenByWorker).to.equal(55);
    expect(r.worker.eval).to.deep.equal({ ok: true, value: 42 });
    expect(r.worker.newFunction).to.deep.equal({ ok: true, value: 42 });
  });

  it('plain: not isolated, no SharedArrayBuffer; a blob worker still imports /tasks.js', async () => {
    const r = await selfCheck('plain');
    expect([r.crossOriginIsolated, r.sharedArrayBuffer]).to.deep.equal([false, 'undefined']);
    expect(r.worker.origin).to.equal(r.origin);
    expect(r.worker.fib20).to.equal(6765);
    expect([r.worker.crossOriginIsolated, r.worker.sharedArrayBuffer]).to.deep.equal([false, 'undefined']);
    expect(r.sharedWrittenByWorker).to.equal(null);
    expect(r.worker.newFunction).to.deep.equal({ ok: true, value: 42 });
  });

  it('csp: not isolated; the blob worker inherits the CSP: eval and new Function throw EvalError', async () => {
    const r = await selfCheck('csp');
    expect([r.crossOriginIsolated, r.sharedArrayBuffer]).to.deep.equal([false, 'undefined']);
    expect(r.worker.fib20).to.equal(6765);
    expect([r.worker.crossOriginIsolated, r.worker.sharedArrayBuffer]).to.deep.equal([false, 'undefined']);
    expect(r.worker.eval).to.include({ ok: false, name: 'EvalError' });
    expect(r.worker.newFunction).to.include({ ok: false, name: 'EvalError' });
    expect(r.pageNewFunction).to.include({ ok: false, name: 'EvalError' });
  });

  it('rejects on __fail, on a page error and at the timeout, with the console lines', async () => {
    const failure = (entry: string, timeoutMs?: number) =>
      browser.run({ entry: pagePath(entry), mode: 'plain', timeoutMs }).then(
        () => expect.fail(`${entry} resolved`),
        (err: Error) => err.message,
      );
    const [failed, thrown, hung] = await Promise.all([
      failure('fail.ts'),
      failure('throws.ts'),
      failure('hang.ts', 4_000),
    ]);
    expect(failed).to.include('deliberate failure from fail.ts').and.include('fail.ts: about to fail');
    expect(thrown).to.include('deliberate top-level throw').and.include('throws.ts: about to throw');
    expect(hung).to.include('within 4000 ms').and.include('hang.ts: never calling __done');
  });

  it("packages: a bare import resolves in the given package directory, with the 'browser' condition", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'harness-probe-'));
    try {
      await mkdir(join(dir, 'pkg'));
      const exports = { '.': { browser: './browser.js', default: './node.js' } };
      await writeFile(join(dir, 'pkg', 'package.json'), JSON.stringify({ name: 'x', type: 'module', exports }));
      await writeFile(join(dir, 'pkg', 'browser.js'), "export const where = 'browser';\n");
      await writeFile(join(dir, 'pkg', 'node.js'), "export const where = 'node';\n");
      const where = await browser.run({
        entry: pagePath('probe.ts'),
        mode: 'isolated',
        packages: { 'harness-probe-pkg': join(dir, 'pkg') },
      });
      expect(where).to.equal('browser');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

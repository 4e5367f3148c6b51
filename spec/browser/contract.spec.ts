/**
 * In the browser (API.md, "In the browser"): the packed package, bundled with esbuild
 * under the `browser` condition, runs its contract in headless Chromium on a
 * cross-origin-isolated page (shared-memory chunk states), on a plain page (states by
 * message) and under a strict CSP (no eval: module tasks work, inline ones explain why not).
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HELPER_JS, TASKS_JS } from './fixtures.js';
import { pagePath, repoRoot, useBrowser, type PageMode } from './harness.js';

type Outcome = Record<string, any>;

/** `npm pack` of this checkout (built), unpacked: the package as a browser app installs it. */
export function packedPackage(): { dir: string; cleanup(): void } {
  const work = mkdtempSync(join(tmpdir(), 'rxjs-futures-browser-'));
  execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', work], { cwd: repoRoot(), stdio: 'ignore' });
  const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'))!;
  execFileSync('tar', ['-xzf', join(work, tarball), '-C', work]);
  return { dir: join(work, 'package'), cleanup: () => rmSync(work, { recursive: true, force: true }) };
}

describe('in the browser: the packed package in headless Chromium', function () {
  this.timeout(120_000);
  let pkg: ReturnType<typeof packedPackage> | undefined;
  const outcomes = new Map<PageMode, Promise<Outcome>>();

  const browser = useBrowser();
  before(() => {
    pkg = packedPackage();
  });
  after(() => pkg?.cleanup());

  const outcome = (mode: PageMode): Promise<Outcome> => {
    if (!outcomes.has(mode)) {
      outcomes.set(
        mode,
        browser.run<Outcome>({
          entry: pagePath('contract.ts'),
          mode,
          files: { 'tasks.js': TASKS_JS, 'helper.js': HELPER_JS },
          bundles: { 'coop-tasks.js': pagePath('coop-tasks.ts') },
          packages: { 'rxjs-futures': pkg!.dir },
          nodePaths: [join(repoRoot(), 'node_modules')],
          timeoutMs: 90_000,
        }),
      );
    }
    return outcomes.get(mode)!;
  };

  for (const mode of ['isolated', 'plain', 'csp'] as const) {
    describe(`${mode} page`, function () {
      it(`runs on ${mode === 'isolated' ? 'shared memory' : 'messages'}: parallelMap ≡ map on 300 items, in order and unordered`, async () => {
        const o = await outcome(mode);
        expect(o.crossOriginIsolated).to.equal(mode === 'isolated');
        expect(o.parallelism).to.equal(2);
        expect(o.mapEqual).to.equal(true);
        expect(o.unorderedSorted).to.equal(true);
      });

      it('takeUntil cancels 4 running busy tasks; the next submit answers within 3 s', async () => {
        const o = await outcome(mode);
        expect(o.afterCancel).to.equal(50);
        expect(o.afterCancelMs).to.be.below(3000);
        expect(o.cancelledCount).to.be.at.least(4);
      });

      it('a module task with an import of its own; errors arrive as on Node; cancel() of a queued future', async () => {
        const o = await outcome(mode);
        expect(o.fib20).to.equal(6765);
        expect(o.typeError).to.include({ name: 'TypeError', message: 'not a number', code: 'E_NAN' });
        expect(o.typeError.instanceOf.TypeError).to.equal(true);
        expect(o.nonError.instanceOf.TaskError).to.equal(true);
        expect(o.nonError.value).to.deep.equal({ reason: 'plain object' });
        expect(o.cancelQueued).to.equal(true);
        expect(o.cancelledFuture).to.include({ name: 'CancelledError' });
        expect(o.cancelledFuture.instanceOf.CancelledError).to.equal(true);
      });

      it('a crashed worker fails its task with WorkerCrashedError (exitCode undefined) and is replaced', async () => {
        const o = await outcome(mode);
        expect(o.crash.instanceOf.WorkerCrashedError).to.equal(true);
        expect(o.crash.message).to.match(/boom, outside any task/);
        expect(o.crash.exitCode).to.equal(undefined);
        expect(o.afterCrash).to.equal(17);
      });

      it('a task that calls self.close() fails with WorkerCrashedError naming it; the worker is replaced', async () => {
        const o = await outcome(mode);
        expect(o.selfClose.instanceOf.WorkerCrashedError).to.equal(true);
        expect(o.selfClose.message).to.match(/the task called self\.close\(\)/);
        expect(o.selfClose.exitCode).to.equal(undefined);
        expect(o.afterSelfClose).to.equal(26);
      });

      it('Node-only options and relative task paths are TypeErrors that say what to do; shutdown() resolves', async () => {
        const o = await outcome(mode);
        expect(o.resourceLimits.instanceOf.TypeError).to.equal(true);
        expect(o.resourceLimits.message).to.match(/resourceLimits is a Node option/);
        expect(o.relativeTask.instanceOf.TypeError).to.equal(true);
        expect(o.relativeTask.message).to.match(/new URL\('\.\/tasks\.js', import\.meta\.url\)/);
        expect(o.inlineExecutor).to.equal(42);
        expect(o.shutdown).to.equal(true);
        expect(o.workersAfterShutdown).to.equal(0);
      });

      it('streams a module generator (take(3) stops it), and a task that stops on its signal keeps its worker', async () => {
        const o = await outcome(mode);
        expect(o.streamed).to.deep.equal([0, 1, 2, 3, 4]);
        expect(o.firstThree).to.deep.equal([0, 1, 2]);
        // runsHere, untilAborted, runsHere on one worker: 1, then 3 (a new worker would say 1).
        expect([o.runsBefore, o.runsAfter]).to.deep.equal([1, 3]);
      });

      if (mode === 'csp') {
        it('an inline task under a CSP without eval fails with the cause and the module-task hint', async () => {
          const o = await outcome(mode);
          expect(o.inline.name).to.equal('EvalError');
          expect(o.inline.message).to.match(/Content-Security-Policy/);
          expect(o.inline.message).to.match(/task\(url, name\)/);
        });
      } else {
        it('inline tasks work where the CSP allows eval', async () => {
          const o = await outcome(mode);
          expect(o.inline).to.deep.equal({ resolved: 42 });
        });
      }
    });
  }
});

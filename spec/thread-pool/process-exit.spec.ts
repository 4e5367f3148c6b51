import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const LIBRARY = new URL('../../lib/index.js', import.meta.url).href;

/** Runs `source` as an ES module script in a child node process; kills it after `limitMs`. */
function runScript(
  source: string,
  limitMs = 10_000,
): Promise<{ code: number | null; stdout: string; stderr: string; timedOut: boolean }> {
  const dir = mkdtempSync(join(tmpdir(), 'rxjs-futures-exit-'));
  const file = join(dir, 'script.mjs');
  writeFileSync(file, source);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, limitMs);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
      resolve({ code, stdout, stderr, timedOut });
    });
  });
}

describe('an idle ThreadPoolExecutor does not keep the process alive', function () {
  this.timeout(15_000);

  it('a script that submits a task, prints the result and never calls shutdown() exits with code 0', async function () {
    const r = await runScript(`
      import { ThreadPoolExecutor } from ${JSON.stringify(LIBRARY)};
      const ex = new ThreadPoolExecutor({ maxWorkers: 2 });
      const v = await ex.submit((a, b) => a + b, 2, 3);
      console.log('result', v);
    `);
    expect(r.timedOut, `still running after 10 s; stderr: ${r.stderr}`).to.equal(false);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.include('result 5');
  });

  it("also with minWorkers kept alive (idle workers are unref'd)", async function () {
    const r = await runScript(`
      import { ThreadPoolExecutor } from ${JSON.stringify(LIBRARY)};
      const ex = new ThreadPoolExecutor({ maxWorkers: 2, minWorkers: 2, idleTimeout: 60000 });
      const v = await Promise.all([ex.submit((x) => x * 2, 1), ex.submit((x) => x * 2, 2)]);
      console.log('result', v.join(','));
    `);
    expect(r.timedOut, `still running after 10 s; stderr: ${r.stderr}`).to.equal(false);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.include('result 2,4');
  });

  it('work in progress keeps the process alive until it is done', async function () {
    const r = await runScript(`
      import { ThreadPoolExecutor } from ${JSON.stringify(LIBRARY)};
      const ex = new ThreadPoolExecutor({ maxWorkers: 1 });
      const f = ex.submit((ms) => new Promise((r) => setTimeout(() => r('slept ' + ms), ms)), 300);
      f.addDoneCallback((g) => g.result().then((v) => console.log(v)));
    `);
    expect(r.timedOut, `still running after 10 s; stderr: ${r.stderr}`).to.equal(false);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.include('slept 300');
  });

  it('a failed future that nobody observes does not crash the process', async function () {
    const r = await runScript(`
      import { ThreadPoolExecutor } from ${JSON.stringify(LIBRARY)};
      const ex = new ThreadPoolExecutor({ maxWorkers: 1 });
      ex.submit(() => { throw new Error('nobody listens'); });
      await new Promise((r) => setTimeout(r, 1000));
      console.log('still alive');
    `);
    expect(r.timedOut, `still running after 10 s; stderr: ${r.stderr}`).to.equal(false);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.include('still alive');
  });

  it('a script whose running map is cancelled by unsubscribing, then shut down, exits promptly', async function () {
    const r = await runScript(`
      import { ThreadPoolExecutor } from ${JSON.stringify(LIBRARY)};
      const ex = new ThreadPoolExecutor({ maxWorkers: 2 });
      const slow = (ms) => new Promise((r) => setTimeout(() => r(ms), ms));
      const sub = ex.map(slow, [5000, 5000, 5000, 5000], { chunksize: 1 }).subscribe();
      await new Promise((r) => setTimeout(r, 500));
      sub.unsubscribe();
      await ex.shutdown({ wait: true });
      console.log('shut down');
    `);
    expect(r.timedOut, `still running after 10 s; stdout: ${r.stdout}; stderr: ${r.stderr}`).to.equal(false);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.include('shut down');
  });
});

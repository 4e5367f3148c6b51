/**
 * Issue 4, in a child process: the host process is never kept alive by idle workers, and
 * never taken down by a task.
 */
import { expect } from 'chai';
import { runScript as runNodeScript, type Run } from '../helpers/child-process.js';

/** The built library, by absolute file URL (this spec runs from dist/spec/faults/). */
const LIBRARY = new URL('../../lib/index.js', import.meta.url).href;
/** rxjs as this package resolves it (a script in the temp dir cannot resolve the bare name). */
const RXJS = import.meta.resolve('rxjs');

/** Runs `source` with the library imported as `lib`. */
function runScript(source: string, limitMs = 10_000): Promise<Run> {
  return runNodeScript(`import * as lib from ${JSON.stringify(LIBRARY)};\n${source}`, limitMs);
}

function expectCleanExit(r: Run, marker: string): void {
  expect(r.timedOut, `still running after 10 s (stdout: ${r.stdout}; stderr: ${r.stderr})`).to.equal(false);
  expect(r.code, `exit code (stderr: ${r.stderr})`).to.equal(0);
  expect(r.stdout).to.include(marker);
}

describe('faults: the host process (child-process tests)', function () {
  this.timeout(20_000);

  it('(a) a script that never calls shutdown() exits by itself with code 0', async function () {
    const r = await runScript(`
      const ex = new lib.ThreadPoolExecutor({ maxWorkers: 2 });
      const values = await Promise.all([1, 2, 3, 4].map((x) => ex.submit((y) => y * 10, x)));
      console.log('VALUES', values.join(','));
    `);
    expectCleanExit(r, 'VALUES 10,20,30,40');
  });

  it('(b) a task that calls process.exit(1) does not take the host down', async function () {
    const r = await runScript(`
      const ex = new lib.ThreadPoolExecutor({ maxWorkers: 2 });
      const crash = await ex.submit(() => process.exit(1)).exception();
      console.log('CRASH', crash.name, crash.exitCode);
      const after = await ex.submit((x) => x + 1, 41);
      console.log('HOST-ALIVE', after);
    `);
    expectCleanExit(r, 'HOST-ALIVE 42');
    expect(r.stdout).to.include('CRASH WorkerCrashedError 1');
  });

  it('(b2) the same in a script that never observes the failed future, and never shuts down', async function () {
    const r = await runScript(`
      const ex = new lib.ThreadPoolExecutor({ maxWorkers: 1 });
      ex.submit(() => process.exit(1));
      ex.submit(() => { setTimeout(() => { throw new Error('late'); }); return new Promise(() => {}); });
      const v = await ex.submit((x) => x * 2, 21);
      console.log('HOST-ALIVE', v);
    `);
    expectCleanExit(r, 'HOST-ALIVE 42');
  });

  it('(c) parallelMap on the default executor, without shutdown, still exits', async function () {
    const r = await runScript(`
      const { range, toArray, lastValueFrom } = await import(${JSON.stringify(RXJS)});
      const out = await lastValueFrom(range(0, 200).pipe(lib.parallelMap((x) => x * x), toArray()));
      console.log('SUM', out.reduce((a, b) => a + b, 0));
    `);
    // 0² + 1² + … + 199² = 199·200·399/6
    expectCleanExit(r, `SUM ${(199 * 200 * 399) / 6}`);
  });

  it('(d) a script that shuts down while a worker is still starting exits promptly', async function () {
    const r = await runScript(`
      const ex = new lib.ThreadPoolExecutor({ maxWorkers: 1 });
      const f = ex.submit((x) => x, 1); // starts spawning a worker
      await new Promise((r) => setTimeout(r, 5));
      await ex.shutdown({ cancelFutures: true });
      console.log('SHUT', await f.then((v) => v, (e) => e.name));
    `);
    expectCleanExit(r, 'SHUT');
  });

  it('(e) a script whose task crashed (so a replacement worker was starting) exits promptly after shutdown()', async function () {
    const r = await runScript(`
      const ex = new lib.ThreadPoolExecutor({ maxWorkers: 1 });
      const e = await ex.submit(() => process.exit(2)).exception();
      await ex.shutdown();
      console.log('CRASHED', e.exitCode);
    `);
    expectCleanExit(r, 'CRASHED 2');
  });

  it('(f) a script with a timed-out task exits promptly without shutdown()', async function () {
    const r = await runScript(`
      const ex = new lib.ThreadPoolExecutor({ maxWorkers: 1, taskTimeout: 200 });
      const e = await ex.submit(() => new Promise(() => {})).exception();
      console.log('TIMEOUT', e.name);
    `);
    expectCleanExit(r, 'TIMEOUT TaskTimeoutError');
  });
});

import { expect } from 'chai';
import { runScript } from '../helpers/child-process.js';

const LIBRARY = new URL('../../lib/index.js', import.meta.url).href;

/** The script ended by itself within 10 s, with code 0, having printed `line`. */
function expectExited(r: Awaited<ReturnType<typeof runScript>>, line: string): void {
  expect(r.timedOut, `still running after 10 s; stdout: ${r.stdout}; stderr: ${r.stderr}`).to.equal(false);
  expect(r.code, r.stderr).to.equal(0);
  expect(r.stdout).to.include(line);
}

for (const Pool of ['ThreadPoolExecutor', 'ProcessPoolExecutor']) describeFor(Pool);

function describeFor(Pool: string): void {
  describe(`an idle ${Pool} does not keep the process alive`, function () {
    this.timeout(15_000);

    it('a script that submits a task, prints the result and never calls shutdown() exits with code 0', async function () {
      const r = await runScript(`
      import { ${Pool} as ThreadPoolExecutor } from ${JSON.stringify(LIBRARY)};
      const ex = new ThreadPoolExecutor({ maxWorkers: 2 });
      const v = await ex.submit((a, b) => a + b, 2, 3);
      console.log('result', v);
    `);
      expectExited(r, 'result 5');
    });

    it("also with minWorkers kept alive (idle workers are unref'd)", async function () {
      const r = await runScript(`
      import { ${Pool} as ThreadPoolExecutor } from ${JSON.stringify(LIBRARY)};
      const ex = new ThreadPoolExecutor({ maxWorkers: 2, minWorkers: 2, idleTimeout: 60000 });
      const v = await Promise.all([ex.submit((x) => x * 2, 1), ex.submit((x) => x * 2, 2)]);
      console.log('result', v.join(','));
    `);
      expectExited(r, 'result 2,4');
    });

    it('work in progress keeps the process alive until it is done', async function () {
      const r = await runScript(`
      import { ${Pool} as ThreadPoolExecutor } from ${JSON.stringify(LIBRARY)};
      const ex = new ThreadPoolExecutor({ maxWorkers: 1 });
      const f = ex.submit((ms) => new Promise((r) => setTimeout(() => r('slept ' + ms), ms)), 300);
      f.addDoneCallback((g) => g.result().then((v) => console.log(v)));
    `);
      expectExited(r, 'slept 300');
    });

    it('a failed future that nobody observes does not crash the process', async function () {
      const r = await runScript(`
      import { ${Pool} as ThreadPoolExecutor } from ${JSON.stringify(LIBRARY)};
      const ex = new ThreadPoolExecutor({ maxWorkers: 1 });
      ex.submit(() => { throw new Error('nobody listens'); });
      await new Promise((r) => setTimeout(r, 1000));
      console.log('still alive');
    `);
      expectExited(r, 'still alive');
    });

    it('a script whose running map is cancelled by unsubscribing, then shut down, exits promptly', async function () {
      const r = await runScript(`
      import { ${Pool} as ThreadPoolExecutor } from ${JSON.stringify(LIBRARY)};
      const ex = new ThreadPoolExecutor({ maxWorkers: 2 });
      const slow = (ms) => new Promise((r) => setTimeout(() => r(ms), ms));
      const sub = ex.map(slow, [5000, 5000, 5000, 5000], { chunksize: 1 }).subscribe();
      await new Promise((r) => setTimeout(r, 500));
      sub.unsubscribe();
      await ex.shutdown({ wait: true });
      console.log('shut down');
    `);
      expectExited(r, 'shut down');
    });
  });
}

/**
 * Lifetimes of a host and its pools' workers: shutdown() always settles (even with a worker
 * still starting), and no child process outlives its host, even one killed with SIGKILL
 * while its children are inside synchronous code. (That idle workers never keep the host
 * alive is spec/thread-pool/process-exit.spec.ts, for both pools.)
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { alive, runScript } from '../helpers/child-process.js';
import { delay } from '../helpers/executors.js';

const LIBRARY = new URL('../../lib/index.js', import.meta.url).href;

describe('ProcessPoolExecutor: lifetimes of the host and its children', function () {
  this.timeout(30_000);

  for (const pool of ['ThreadPoolExecutor', 'ProcessPoolExecutor']) {
    it(`${pool}: 30 pools in a row, each shut down right after its first results, all settle (no exit code 13)`, async function () {
      // A worker may still be starting at shutdown; had its exit gone unseen, the event loop
      // would end with shutdown() unsettled: Node's code 13 for an unfinished top-level await.
      const r = await runScript(
        `
        import { ${pool} as Pool } from ${JSON.stringify(LIBRARY)};
        for (let i = 0; i < 30; i++) {
          const ex = new Pool({ maxWorkers: 2 });
          await Promise.all([ex.submit((x) => x + 1, 1), ex.submit((x) => x + 1, 2)]);
          await ex.shutdown();
        }
        console.log('all shut down');
      `,
        25_000,
      );
      expect(r.code, `exit code (13: a shutdown never settled); stderr: ${r.stderr}`).to.equal(0);
      expect(r.stdout).to.include('all shut down');
    });
  }

  it('no child outlives a host killed with SIGKILL, even children inside synchronous code', async function () {
    const host = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `
        // Started with -e: a child that took the host's -e would run this again (a guard stops it).
        if (process.env.RXJS_FUTURES_SPEC_CHILD) process.exit(99);
        process.env.RXJS_FUTURES_SPEC_CHILD = '1';
        import { ProcessPoolExecutor } from ${JSON.stringify(LIBRARY)};
        const ex = new ProcessPoolExecutor({ maxWorkers: 2 });
        const spin = async () => {
          const { reportProgress } = await import('rxjs-futures/worker');
          reportProgress(process.pid);
          await new Promise((r) => setTimeout(r, 20)); // let the pid go home
          for (;;);
        };
        for (const f of [ex.submit(spin), ex.submit(spin)]) f.progress$.subscribe((pid) => console.log('child', pid));
        `,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const pids: number[] = [];
    try {
      for await (const line of createInterface({ input: host.stdout! })) {
        const m = /^child (\d+)$/.exec(line);
        if (m) pids.push(Number(m[1]));
        if (pids.length === 2) break;
      }
      expect(pids, 'the pids of both children (a host started with -e: none took its -e)').to.have.length(2);
      expect(pids.every(alive), 'both children run').to.equal(true);
      await delay(100); // both are now inside their synchronous loop
    } finally {
      host.kill('SIGKILL');
    }
    const end = Date.now() + 5_000;
    while (pids.some(alive) && Date.now() < end) await delay(50);
    const orphans = pids.filter(alive);
    for (const pid of orphans) process.kill(pid, 'SIGKILL'); // tidy up before failing
    expect(orphans, 'children still alive 5 s after their host was killed').to.deep.equal([]);
  });
});

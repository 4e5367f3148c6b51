/**
 * Worker processes that die: delivery is at least once (the job runs again on another worker
 * within 2 × lock-ms + 5 s and its future settles once, with a value); atMostOnce fails it
 * with WorkerLostError instead; a task that kills every worker fails after at most 3 lost runs.
 */
import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Future } from '../../lib/index.js';
import { WorkerLostError } from '../../lib/executors/bullmq/index.js';
import { countRun, killWorker } from './remote-tasks.js';
import { waitUntil } from '../helpers/executors.js';
import { useCluster, useTempDir, type WorkerProcess } from './cluster.js';

const LOCK_MS = 1000;

describe('BullMQExecutor: a worker process dies', function () {
  this.timeout(60_000);
  const cluster = useCluster();
  const tempDir = useTempDir('rxjs-futures-runs-');

  const runsOf = (i: number): string[] => {
    const file = join(tempDir(), `run-${i}`);
    return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n') : [];
  };

  /** Submits `n` tasks of `ms` each (one job each); resolves once worker `victim` runs one, after SIGKILLing it. */
  async function killMidTask(victim: WorkerProcess, futures: () => Future<unknown>[], n: number): Promise<number> {
    await waitUntil(
      () => Array.from({ length: n }, (_, i) => runsOf(i)).some((r) => r.includes(String(victim.pid))),
      'the victim to run a task',
    );
    const t0 = Date.now();
    victim.child.kill('SIGKILL');
    await Promise.allSettled(futures());
    return Date.now() - t0;
  }

  it('SIGKILL mid-task: its task runs again on another worker and every future settles once, with its value', async () => {
    const a = await cluster.startWorker({ lockMs: LOCK_MS, concurrency: 1 });
    await cluster.startWorker({ lockMs: LOCK_MS, concurrency: 1 });
    const ex = cluster.executor();
    const n = 6;
    const futures = Array.from({ length: n }, (_, i) => ex.submit(countRun, join(tempDir(), `run-${i}`), 1500, i));
    const settles = futures.map((f) => {
      let count = 0;
      f.addDoneCallback(() => count++);
      return () => count;
    });
    const ms = await killMidTask(a, () => futures, n);
    expect(await Promise.all(futures)).to.deep.equal([0, 1, 2, 3, 4, 5]);
    expect(settles.map((c) => c())).to.deep.equal(new Array(n).fill(1));
    const rerun = Array.from({ length: n }, (_, i) => runsOf(i)).filter((r) => r.length > 1);
    expect(rerun.length, 'the killed task ran twice').to.equal(1);
    expect(rerun[0]![0]).to.equal(String(a.pid));
    expect(rerun[0]![1]).to.not.equal(String(a.pid));
    expect(ms, 'the rerun started within 2 × lock-ms + 5 s (plus the tasks themselves)').to.be.below(
      2 * LOCK_MS + 5000 + 3 * 1500,
    );
  });

  it('atMostOnce: the task of a killed worker is not run again; its future fails with WorkerLostError', async () => {
    const a = await cluster.startWorker({ lockMs: LOCK_MS, concurrency: 1 });
    await cluster.startWorker({ lockMs: LOCK_MS, concurrency: 1 });
    const ex = cluster.executor({ atMostOnce: true });
    const n = 4;
    const futures = Array.from({ length: n }, (_, i) => ex.submit(countRun, join(tempDir(), `run-${i}`), 1500, i));
    await killMidTask(a, () => futures, n);
    const outcomes = await Promise.all(futures.map((f) => f.exception()));
    const lost = outcomes.filter((e) => e instanceof WorkerLostError);
    expect(lost.length).to.equal(1);
    expect(outcomes.filter((e) => e === null).length).to.equal(n - 1);
    const killed = outcomes.findIndex((e) => e instanceof WorkerLostError);
    expect(runsOf(killed)).to.deep.equal([String(a.pid)]); // never ran again
    expect(ex.stats()).to.include({ completed: n - 1, failed: 1, queued: 0, running: 0 });
  });

  it('a task that kills every worker it runs on fails with WorkerLostError after at most 3 lost runs', async () => {
    // A supervisor, as in production: a worker that dies is replaced.
    let stopped = false;
    const keep = async () => {
      while (!stopped) {
        const w = await cluster.startWorker({ lockMs: LOCK_MS, concurrency: 1 }).catch(() => undefined);
        if (!w) return;
        await w.exited;
      }
    };
    const supervisors = [keep(), keep()];
    try {
      const ex = cluster.executor();
      const file = join(tempDir(), 'run-0');
      const err = await ex.submit(killWorker, file).exception();
      expect(err).to.be.instanceOf(WorkerLostError);
      expect((err as WorkerLostError).lostRuns).to.be.at.most(3);
      expect(runsOf(0).length).to.be.within(1, 3);
      expect(new Set(runsOf(0)).size, 'each run killed a different worker').to.equal(runsOf(0).length);
    } finally {
      stopped = true;
      void supervisors;
    }
  });
});

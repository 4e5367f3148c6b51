import { expect } from 'chai';
import { usePools } from '../helpers/executors.js';

const threadIdTask = async () => (await import('node:worker_threads')).threadId;

describe('ThreadPoolExecutor maxTasksPerWorker', function () {
  const makePool = usePools();

  it('replaces a worker after it ran maxTasksPerWorker tasks (2 per worker, 6 tasks: 3 or more threads)', async function () {
    const ex = makePool({ maxWorkers: 2, maxTasksPerWorker: 2 });
    const ids: number[] = [];
    for (let i = 0; i < 6; i++) ids.push(await ex.submit(threadIdTask));
    expect(new Set(ids).size).to.be.at.least(3);
    // No worker ran more than 2 of them.
    const counts = new Map<number, number>();
    for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
    expect(Math.max(...counts.values())).to.be.at.most(2);
  });

  it('without maxTasksPerWorker, a single worker serves sequential tasks', async function () {
    const ex = makePool({ maxWorkers: 1 });
    const ids: number[] = [];
    for (let i = 0; i < 4; i++) ids.push(await ex.submit(threadIdTask));
    expect(new Set(ids).size).to.equal(1);
  });
});

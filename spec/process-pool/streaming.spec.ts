/**
 * Streaming tasks and progress on child processes: the same runtime, over the IPC channel.
 */
import { expect } from 'chai';
import { lastValueFrom, materialize, take, toArray } from 'rxjs';
import { fromTaskStream, task } from '../../lib/index.js';
import type * as Streams from '../fixtures/stream-tasks.js';
import { fileCounters, useProcessPools, waitUntil } from '../helpers/executors.js';

const streams = new URL('../fixtures/stream-tasks.js', import.meta.url);
const countTo = task<typeof Streams.countTo>(streams, 'countTo');
const failAfter = task<typeof Streams.failAfter>(streams, 'failAfter');
const naturals = task<typeof Streams.naturals>(streams, 'naturals');

describe('ProcessPoolExecutor: streaming tasks', function () {
  this.timeout(30_000);
  const makePool = useProcessPools();

  it('fromTaskStream streams every value in order, then completes', async function () {
    const ex = makePool({ maxWorkers: 1 });
    expect(await lastValueFrom(fromTaskStream(ex, countTo, 5000).pipe(toArray()))).to.deep.equal(
      Array.from({ length: 5000 }, (_, i) => i),
    );
  });

  it("errors with the task's error after the values before it", async function () {
    const ex = makePool({ maxWorkers: 1 });
    const events = await lastValueFrom(fromTaskStream(ex, failAfter, 3).pipe(materialize(), toArray()));
    expect(events.slice(0, 3).map((n) => n.value)).to.deep.equal([0, 1, 2]);
    expect(events[3]!.kind).to.equal('E');
    expect(events[3]!.error).to.be.instanceOf(RangeError);
    expect((events[3]!.error as { code?: string }).code).to.equal('E_BROKE');
  });

  it('take(3) on an infinite generator runs its finally in the child, which keeps serving', async function () {
    const ex = makePool({ maxWorkers: 1 });
    const c = fileCounters();
    expect(await lastValueFrom(fromTaskStream(ex, naturals, c.buffer).pipe(take(3), toArray()))).to.deep.equal([
      0, 1, 2,
    ]);
    await waitUntil(() => c.read(1) === 1, 'the finally of the generator to run');
    expect(await ex.submit((x: number) => x + 1, 1)).to.equal(2);
  });
});

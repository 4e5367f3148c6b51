/** submitOn emits Futures as values arrive; fromTask is one cold task. */
import { expect } from 'chai';
import { concatAll, from, lastValueFrom, mergeAll, Subject, toArray } from 'rxjs';
import { CancelledError, Future, fromTask, submitOn, ThreadPoolExecutor } from '../../lib/index.js';
import { spinFor } from '../helpers/executors.js';

const sleepThen = ([value, ms]: [number, number]) => new Promise<number>((r) => setTimeout(() => r(value), ms));

describe('submitOn and fromTask', function () {
  this.timeout(30_000);
  const executor = new ThreadPoolExecutor({ maxWorkers: 2 });
  after(() => executor.shutdown());

  it('emits each Future synchronously inside the source next', () => {
    const subject = new Subject<[number, number]>();
    const got: Future<number>[] = [];
    const sub = subject.pipe(submitOn(executor, sleepThen)).subscribe((f) => got.push(f));
    subject.next([1, 0]);
    expect(got).to.have.length(1);
    expect(got[0]).to.be.instanceOf(Future);
    sub.unsubscribe();
  });

  it('then concatAll() is an ordered map and mergeAll() gives completion order', async () => {
    const items: [number, number][] = [
      [1, 900],
      [2, 100],
      [3, 450],
    ];
    const ordered = await lastValueFrom(from(items).pipe(submitOn(executor, sleepThen), concatAll(), toArray()));
    expect(ordered).to.deep.equal([1, 2, 3]);
    const ex3 = new ThreadPoolExecutor({ maxWorkers: 3, minWorkers: 3 });
    await Promise.all([1, 2, 3].map((x) => ex3.submit(sleepThen, [x, 50]))); // all three workers up
    const byCompletion = await lastValueFrom(from(items).pipe(submitOn(ex3, sleepThen), mergeAll(), toArray()));
    expect(byCompletion).to.deep.equal([2, 3, 1]);
    await ex3.shutdown();
  });

  it('completion of the source cancels nothing', async () => {
    const futures = await lastValueFrom(
      from([
        [1, 50],
        [2, 50],
        [3, 50],
      ] as [number, number][]).pipe(submitOn(executor, sleepThen), toArray()),
    );
    expect(await Promise.all(futures)).to.deep.equal([1, 2, 3]);
  });

  it('unsubscribing cancels the futures it made that have not started', async () => {
    const ex = new ThreadPoolExecutor({ maxWorkers: 1 });
    const subject = new Subject<[number, number]>();
    const got: Future<number>[] = [];
    const sub = subject.pipe(submitOn(ex, sleepThen)).subscribe((f) => got.push(f));
    subject.next([1, 300]);
    subject.next([2, 0]);
    subject.next([3, 0]);
    await new Promise((r) => setTimeout(r, 150));
    sub.unsubscribe();
    expect(got[1]!.cancelled()).to.equal(true);
    expect(got[2]!.cancelled()).to.equal(true);
    expect(await got[0]).to.equal(1); // already running: it goes on
    await ex.shutdown();
  });

  it('fromTask is cold: nothing runs before subscription, then one value', async () => {
    const before = executor.stats().completed;
    const obs = fromTask(executor, (a: number, b: number) => a * b, 6, 7);
    await new Promise((r) => setTimeout(r, 50));
    expect(executor.stats().completed).to.equal(before);
    expect(await lastValueFrom(obs.pipe(toArray()))).to.deep.equal([42]);
    expect(await lastValueFrom(obs)).to.equal(42); // each subscription runs it again
  });

  it('fromTask cancels on unsubscribe', async () => {
    const ex = new ThreadPoolExecutor({ maxWorkers: 1 });
    const sub = fromTask(ex, spinFor, 10_000).subscribe();
    await new Promise((r) => setTimeout(r, 200));
    sub.unsubscribe();
    expect(await ex.submit((x: number) => x, 5).result(2_000)).to.equal(5);
    expect(ex.stats().cancelled).to.equal(1);
    await ex.shutdown();
    void CancelledError;
  });
});

import { expect } from 'chai';
import { firstValueFrom, materialize, toArray } from 'rxjs';
import { CancelledError, Future, WaitTimeoutError, asCompleted, wait } from '../../lib/index.js';
import { delay } from '../helpers/executors.js';

/** Same futures by identity (deep equality cannot tell Futures apart: their state is private). */
function expectSame(actual: Iterable<Future<number>>, expected: Future<number>[], what?: string): void {
  expect([...actual], what).to.have.members(expected);
}

function futures(n: number): Future<number>[] {
  return Array.from({ length: n }, () => new Future<number>());
}
function finished(value: number): Future<number> {
  const f = new Future<number>();
  f.setResult(value);
  return f;
}

describe('asCompleted', function () {
  it('yields futures in the order they finish, then completes', async function () {
    const [a, b, c] = futures(3) as [Future<number>, Future<number>, Future<number>];
    const out = firstValueFrom(asCompleted([a, b, c]).pipe(toArray()));
    setTimeout(() => c.setResult(3), 10);
    setTimeout(() => a.setResult(1), 30);
    setTimeout(() => b.setResult(2), 50);
    expect(await out).to.have.ordered.members([c, a, b]);
  });

  it('yields each distinct future once, even when it is given several times', async function () {
    const [a, b] = futures(2) as [Future<number>, Future<number>];
    const done = finished(0);
    const out = firstValueFrom(asCompleted([a, done, a, b, done, b, a]).pipe(toArray()));
    setTimeout(() => a.setResult(1), 5);
    setTimeout(() => b.setResult(2), 10);
    const got = await out;
    expect(got).to.have.length(3);
    expectSame(got, [a, b, done]);
  });

  it('yields the already-done futures first', async function () {
    const [p1, p2] = futures(2) as [Future<number>, Future<number>];
    const d1 = finished(1);
    const d2 = finished(2);
    const out = firstValueFrom(asCompleted([p1, d1, p2, d2]).pipe(toArray()));
    setTimeout(() => p2.setResult(3), 10);
    setTimeout(() => p1.setResult(4), 20);
    const got = await out;
    expectSame(got.slice(0, 2), [d1, d2]);
    expect(got.slice(2)).to.have.ordered.members([p2, p1]);
  });

  it('yields failed and cancelled futures like the others (they are done), without erroring', async function () {
    const [ok, bad, gone] = futures(3) as [Future<number>, Future<number>, Future<number>];
    const out = firstValueFrom(asCompleted([ok, bad, gone]).pipe(materialize(), toArray()));
    bad.setException(new Error('failed task'));
    gone.cancel();
    ok.setResult(1);
    const events = await out;
    expect(events.map((n) => n.kind)).to.deep.equal(['N', 'N', 'N', 'C']);
    expect(events.slice(0, 3).map((n) => (n.kind === 'N' ? n.value : undefined))).to.have.ordered.members([
      bad,
      gone,
      ok,
    ]);
  });

  it('completes at once for no futures', async function () {
    expect(await firstValueFrom(asCompleted([]).pipe(toArray()))).to.deep.equal([]);
  });

  it('errors with WaitTimeoutError "2 (of 4) futures unfinished" after yielding the done ones', async function () {
    const [p1, p2] = futures(2) as [Future<number>, Future<number>];
    const d1 = finished(1);
    const d2 = finished(2);
    const events = await firstValueFrom(asCompleted([d1, p1, d2, p2], { timeout: 50 }).pipe(materialize(), toArray()));
    expect(events.map((n) => n.kind)).to.deep.equal(['N', 'N', 'E']);
    const err = events[2]!.kind === 'E' ? events[2]!.error : undefined;
    expect(err).to.be.instanceOf(WaitTimeoutError);
    expect((err as Error).message).to.include('2 (of 4) futures unfinished');
    expect(p1.done(), 'the futures go on').to.equal(false);
  });

  it('is cold: its timeout counts from subscription', async function () {
    const [a] = futures(1) as [Future<number>];
    const stream = asCompleted([a], { timeout: 1_000 });
    await delay(1_300);
    const out = firstValueFrom(stream.pipe(materialize(), toArray()));
    setTimeout(() => a.setResult(1), 20);
    expect((await out).map((n) => n.kind)).to.deep.equal(['N', 'C']);
  });

  it('does not cancel the futures when unsubscribed', function () {
    const [a] = futures(1) as [Future<number>];
    asCompleted([a]).subscribe().unsubscribe();
    expect(a.cancelled()).to.equal(false);
  });
});

describe('wait', function () {
  it('defaults to ALL_COMPLETED: resolves once every future is done', async function () {
    const [a, b, c] = futures(3) as [Future<number>, Future<number>, Future<number>];
    let resolved = false;
    const p = wait([a, b, c]).then((r) => ((resolved = true), r));
    a.setResult(1);
    b.setException(new Error('b'));
    await delay(20);
    expect(resolved, 'resolved before the last one finished').to.equal(false);
    c.setResult(3);
    const { done, notDone } = await p;
    expectSame(done, [a, b, c]);
    expect(notDone.size).to.equal(0);
  });

  it('ALL_COMPLETED with every future already done resolves with all of them', async function () {
    const fs = [finished(1), finished(2)];
    const { done, notDone } = await wait(fs, { returnWhen: 'ALL_COMPLETED' });
    expectSame(done, fs);
    expect(notDone.size).to.equal(0);
  });

  it('FIRST_COMPLETED resolves when any one future finishes', async function () {
    const [a, b, c] = futures(3) as [Future<number>, Future<number>, Future<number>];
    const p = wait([a, b, c], { returnWhen: 'FIRST_COMPLETED' });
    setTimeout(() => b.setResult(2), 10);
    const { done, notDone } = await p;
    expectSame(done, [b]);
    expectSame(notDone, [a, c]);
  });

  it('FIRST_COMPLETED resolves at once when one future is already done', async function () {
    const [a] = futures(1) as [Future<number>];
    const d = finished(1);
    const { done, notDone } = await wait([a, d], { returnWhen: 'FIRST_COMPLETED' });
    expectSame(done, [d]);
    expectSame(notDone, [a]);
  });

  it('FIRST_EXCEPTION resolves when a future fails, with the successes so far in done', async function () {
    const [a, b, c] = futures(3) as [Future<number>, Future<number>, Future<number>];
    let resolved = false;
    const p = wait([a, b, c], { returnWhen: 'FIRST_EXCEPTION' }).then((r) => ((resolved = true), r));
    a.setResult(1);
    await delay(20);
    expect(resolved, 'a success does not end FIRST_EXCEPTION').to.equal(false);
    b.setException(new Error('b failed'));
    const { done, notDone } = await p;
    expectSame(done, [a, b]);
    expectSame(notDone, [c]);
  });

  it('FIRST_EXCEPTION without any failure waits for all, like ALL_COMPLETED', async function () {
    const [a, b] = futures(2) as [Future<number>, Future<number>];
    const p = wait([a, b], { returnWhen: 'FIRST_EXCEPTION' });
    setTimeout(() => a.setResult(1), 5);
    setTimeout(() => b.setResult(2), 15);
    const { done, notDone } = await p;
    expectSame(done, [a, b]);
    expect(notDone.size).to.equal(0);
  });

  it('FIRST_EXCEPTION is not ended by a cancellation (as in Python, a cancelled future raised nothing)', async function () {
    const [a, b] = futures(2) as [Future<number>, Future<number>];
    let resolved = false;
    const p = wait([a, b], { returnWhen: 'FIRST_EXCEPTION' }).then((r) => ((resolved = true), r));
    a.cancel();
    await delay(20);
    expect(resolved).to.equal(false);
    b.setResult(2);
    const { done } = await p;
    expectSame(done, [a, b]);
  });

  it('a timeout resolves (does not reject) with what is done so far', async function () {
    const [a, b] = futures(2) as [Future<number>, Future<number>];
    a.setResult(1);
    const { done, notDone } = await wait([a, b], { timeout: 50 });
    expectSame(done, [a]);
    expectSame(notDone, [b]);
    expect(b.cancelled(), 'the unfinished future goes on').to.equal(false);
  });

  it('a cancelled future counts as done', async function () {
    const [a, b] = futures(2) as [Future<number>, Future<number>];
    expect(a.cancel()).to.equal(true);
    const p = wait([a, b]);
    b.setResult(2);
    const { done, notDone } = await p;
    expectSame(done, [a, b]);
    expect(notDone.size).to.equal(0);
    expect(await a.exception().catch((e: unknown) => e)).to.be.instanceOf(CancelledError);
  });

  it('a future given twice appears once', async function () {
    const d = finished(1);
    const { done } = await wait([d, d, d]);
    expect(done.size).to.equal(1);
  });

  it('no futures resolves at once with two empty sets', async function () {
    const { done, notDone } = await wait([]);
    expect(done.size + notDone.size).to.equal(0);
  });
});

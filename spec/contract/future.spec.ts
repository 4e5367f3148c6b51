import { expect } from 'chai';
import { CancelledError, Future, InvalidStateError, WaitTimeoutError } from '../../lib/index.js';
import { captureConsoleError, mentions } from '../helpers/console.js';
import { delay, rejectionOf } from '../helpers/executors.js';

/** A future in each state, made the way an executor would make it. */
function pending(): Future<number> {
  return new Future<number>();
}
function running(): Future<number> {
  const f = new Future<number>();
  expect(f.setRunningOrNotifyCancel()).to.equal(true);
  return f;
}
function finished(value = 42): Future<number> {
  const f = running();
  f.setResult(value);
  return f;
}
function failed(error: unknown = new RangeError('boom')): Future<number> {
  const f = running();
  f.setException(error);
  return f;
}
function cancelledFuture(): Future<number> {
  const f = new Future<number>();
  expect(f.cancel()).to.equal(true);
  return f;
}

describe('Future', function () {
  describe('states', function () {
    it('a new future is pending: not running, not done, not cancelled', function () {
      const f = pending();
      expect([f.running(), f.done(), f.cancelled()]).to.deep.equal([false, false, false]);
    });

    it('setRunningOrNotifyCancel() moves a pending future to running', function () {
      const f = running();
      expect([f.running(), f.done(), f.cancelled()]).to.deep.equal([true, false, false]);
    });

    it('a finished future is done, not running, not cancelled', function () {
      const f = finished();
      expect([f.running(), f.done(), f.cancelled()]).to.deep.equal([false, true, false]);
    });

    it('a failed future is done, not running, not cancelled', function () {
      const f = failed();
      expect([f.running(), f.done(), f.cancelled()]).to.deep.equal([false, true, false]);
    });

    it('a cancelled future is done and cancelled, not running', function () {
      const f = cancelledFuture();
      expect([f.running(), f.done(), f.cancelled()]).to.deep.equal([false, true, true]);
    });

    it('setResult may be called on a pending future without setRunningOrNotifyCancel', async function () {
      const f = pending();
      f.setResult(7);
      expect(f.done()).to.equal(true);
      expect(await f.result()).to.equal(7);
    });

    it('setRunningOrNotifyCancel() returns false for a cancelled future (do not run it)', function () {
      const f = cancelledFuture();
      expect(f.setRunningOrNotifyCancel()).to.equal(false);
      expect(f.cancelled()).to.equal(true);
    });

    it('setRunningOrNotifyCancel() throws InvalidStateError on a running or finished future', function () {
      expect(() => running().setRunningOrNotifyCancel()).to.throw(InvalidStateError);
      expect(() => finished().setRunningOrNotifyCancel()).to.throw(InvalidStateError);
    });
  });

  describe('cancel()', function () {
    it('on a pending future returns true and makes it cancelled', function () {
      const f = pending();
      expect(f.cancel()).to.equal(true);
      expect(f.cancelled()).to.equal(true);
      expect(f.done()).to.equal(true);
    });

    it('on an already cancelled future returns true again', function () {
      const f = cancelledFuture();
      expect(f.cancel()).to.equal(true);
      expect(f.cancelled()).to.equal(true);
    });

    it('on a running future returns false and it keeps running', function () {
      const f = running();
      expect(f.cancel()).to.equal(false);
      expect(f.running()).to.equal(true);
      expect(f.cancelled()).to.equal(false);
      f.setResult(1);
      expect(f.done()).to.equal(true);
    });

    it('on a finished future returns false and keeps its value', async function () {
      const f = finished(5);
      expect(f.cancel()).to.equal(false);
      expect(f.cancelled()).to.equal(false);
      expect(await f.result()).to.equal(5);
    });

    it('on a failed future returns false and keeps its error', async function () {
      const err = new RangeError('kept');
      const f = failed(err);
      expect(f.cancel()).to.equal(false);
      expect(await f.exception()).to.equal(err);
    });
  });

  describe('result() and exception()', function () {
    it('result() resolves with the value set later', async function () {
      const f = pending();
      setTimeout(() => f.setResult(3), 10);
      expect(await f.result()).to.equal(3);
    });

    it('result() rejects with the exact error set by setException', async function () {
      const err = new TypeError('nope');
      const f = pending();
      setTimeout(() => f.setException(err), 10);
      expect(await rejectionOf(f.result())).to.equal(err);
    });

    it('result() rejects with CancelledError for a cancelled future', async function () {
      const err = await rejectionOf(cancelledFuture().result());
      expect(err).to.be.instanceOf(CancelledError);
      expect((err as Error).name).to.equal('CancelledError');
    });

    it('result() of a pending future cancelled while waiting rejects with CancelledError', async function () {
      const f = pending();
      const waiting = rejectionOf(f.result());
      f.cancel();
      expect(await waiting).to.be.instanceOf(CancelledError);
    });

    it('exception() is null after a success', async function () {
      expect(await finished(1).exception()).to.equal(null);
    });

    it('exception() resolves (does not reject) with the error of a failed future', async function () {
      const err = new Error('failed');
      expect(await failed(err).exception()).to.equal(err);
    });

    it('exception() rejects with CancelledError for a cancelled future', async function () {
      expect(await rejectionOf(cancelledFuture().exception())).to.be.instanceOf(CancelledError);
    });

    it('result(timeout) rejects with WaitTimeoutError and the future stays pending', async function () {
      const f = pending();
      const err = await rejectionOf(f.result(30));
      expect(err).to.be.instanceOf(WaitTimeoutError);
      expect((err as Error).name).to.equal('WaitTimeoutError');
      expect(f.done()).to.equal(false);
      expect(f.cancelled()).to.equal(false);
      f.setResult(9);
      expect(await f.result()).to.equal(9);
    });

    it('exception(timeout) rejects with WaitTimeoutError when the future does not finish in time', async function () {
      const f = running();
      expect(await rejectionOf(f.exception(30))).to.be.instanceOf(WaitTimeoutError);
      expect(f.running()).to.equal(true);
    });

    it('result(timeout) resolves when the future finishes before the timeout', async function () {
      const f = pending();
      setTimeout(() => f.setResult(4), 10);
      expect(await f.result(5_000)).to.equal(4);
    });

    it('result(timeout) of an already finished future resolves even with a timeout of 0', async function () {
      expect(await finished(8).result(0)).to.equal(8);
      expect(await finished(8).exception(0)).to.equal(null);
    });
  });

  describe('done callbacks', function () {
    it('run in the order they were added, each given the future, when it finishes', function () {
      const f = pending();
      const order: string[] = [];
      f.addDoneCallback((g) => order.push(`a:${g === f}`));
      f.addDoneCallback((g) => order.push(`b:${g === f}`));
      f.addDoneCallback((g) => order.push(`c:${g === f}`));
      expect(order).to.deep.equal([]);
      f.setResult(1);
      expect(order).to.deep.equal(['a:true', 'b:true', 'c:true']);
    });

    it('run once only, also when the future is later queried again', function () {
      const f = pending();
      let calls = 0;
      f.addDoneCallback(() => calls++);
      f.setResult(1);
      f.cancel();
      expect(calls).to.equal(1);
    });

    it('run when the future fails', function () {
      const f = running();
      let seen: unknown;
      f.addDoneCallback((g) => (seen = g.done()));
      f.setException(new Error('x'));
      expect(seen).to.equal(true);
    });

    it('run when the future is cancelled, seeing it cancelled', function () {
      const f = pending();
      let seen: boolean | undefined;
      f.addDoneCallback((g) => (seen = g.cancelled()));
      f.cancel();
      expect(seen).to.equal(true);
    });

    it('a callback added to an already done future runs synchronously, before addDoneCallback returns', function () {
      for (const f of [finished(), failed(), cancelledFuture()]) {
        let ran = false;
        f.addDoneCallback((g) => {
          expect(g).to.equal(f);
          ran = true;
        });
        expect(ran, 'callback ran synchronously').to.equal(true);
      }
    });

    it('a throwing callback is reported with console.error and the other callbacks still run', async function () {
      const f = pending();
      const order: string[] = [];
      const boom = new Error('callback boom');
      const calls = await captureConsoleError(() => {
        f.addDoneCallback(() => order.push('first'));
        f.addDoneCallback(() => {
          throw boom;
        });
        f.addDoneCallback(() => order.push('third'));
        f.setResult(1);
      });
      expect(order).to.deep.equal(['first', 'third']);
      expect(calls.length).to.be.greaterThan(0);
      expect(mentions(calls, boom), 'console.error received the thrown error').to.equal(true);
      await delay(20); // nothing is rethrown later (mocha would report an uncaught error)
    });

    it('a throwing callback on an already done future is reported, not thrown from addDoneCallback', async function () {
      const boom = new Error('late boom');
      const f = finished();
      const calls = await captureConsoleError(() => {
        expect(() =>
          f.addDoneCallback(() => {
            throw boom;
          }),
        ).not.to.throw();
      });
      expect(mentions(calls, boom)).to.equal(true);
    });
  });

  describe('settling twice', function () {
    it('setResult after setResult throws InvalidStateError and keeps the first value', async function () {
      const f = finished(1);
      const err = (() => {
        try {
          f.setResult(2);
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(err).to.be.instanceOf(InvalidStateError);
      expect((err as Error).name).to.equal('InvalidStateError');
      expect(await f.result()).to.equal(1);
    });

    it('setException after setResult throws InvalidStateError', function () {
      expect(() => finished().setException(new Error('late'))).to.throw(InvalidStateError);
    });

    it('setResult after setException throws InvalidStateError', function () {
      expect(() => failed().setResult(1)).to.throw(InvalidStateError);
    });

    it('setResult or setException on a cancelled future throws InvalidStateError', function () {
      expect(() => cancelledFuture().setResult(1)).to.throw(InvalidStateError);
      expect(() => cancelledFuture().setException(new Error('x'))).to.throw(InvalidStateError);
    });
  });

  describe('as an Observable', function () {
    type Event = ['next', unknown] | ['error', unknown] | ['complete'];
    function record(f: Future<number>): { events: Event[]; unsubscribe(): void } {
      const events: Event[] = [];
      const sub = f.subscribe({
        next: (v) => events.push(['next', v]),
        error: (e) => events.push(['error', e]),
        complete: () => events.push(['complete']),
      });
      return { events, unsubscribe: () => sub.unsubscribe() };
    }

    it('an early subscriber gets next(value) then complete() when the future finishes', function () {
      const f = pending();
      const { events } = record(f);
      expect(events).to.deep.equal([]);
      f.setResult(5);
      expect(events).to.deep.equal([['next', 5], ['complete']]);
    });

    it('a late subscriber gets next(value) then complete() synchronously', function () {
      const { events } = record(finished(6));
      expect(events).to.deep.equal([['next', 6], ['complete']]);
    });

    it('a failed future gives error(err) to early and late subscribers, with no next', function () {
      const err = new SyntaxError('bad');
      const f = running();
      const early = record(f);
      f.setException(err);
      const late = record(f);
      expect(early.events).to.deep.equal([['error', err]]);
      expect(late.events).to.deep.equal([['error', err]]);
    });

    it('a cancelled future gives error(CancelledError) to early and late subscribers', function () {
      const f = pending();
      const early = record(f);
      f.cancel();
      const late = record(f);
      for (const { events } of [early, late]) {
        expect(events).to.have.length(1);
        expect(events[0]![0]).to.equal('error');
        expect(events[0]![1]).to.be.instanceOf(CancelledError);
      }
    });

    it('every subscriber gets the same outcome (it is hot and replays, the task runs once)', function () {
      const f = pending();
      const a = record(f);
      const b = record(f);
      f.setResult(1);
      const c = record(f);
      for (const { events } of [a, b, c]) expect(events).to.deep.equal([['next', 1], ['complete']]);
    });

    it('unsubscribing detaches that observer only and does not cancel the future', function () {
      const f = pending();
      const gone = record(f);
      const stays = record(f);
      gone.unsubscribe();
      expect(f.cancelled()).to.equal(false);
      expect(f.done()).to.equal(false);
      f.setResult(2);
      expect(gone.events).to.deep.equal([]);
      expect(stays.events).to.deep.equal([['next', 2], ['complete']]);
    });

    it('a throwing observer is reported with console.error and the other observers still get the value', async function () {
      const f = pending();
      const boom = new Error('observer boom');
      const got: number[] = [];
      const calls = await captureConsoleError(async () => {
        f.subscribe(() => {
          throw boom;
        });
        f.subscribe((v) => got.push(v));
        f.setResult(3);
        await delay(20); // RxJS would rethrow on a timer; the future must not
      });
      expect(got).to.deep.equal([3]);
      expect(mentions(calls, boom)).to.equal(true);
    });
  });

  describe('as a thenable', function () {
    it('await gives the value', async function () {
      const f = pending();
      setTimeout(() => f.setResult(11), 5);
      expect(await f).to.equal(11);
    });

    it('await throws the error of a failed future', async function () {
      const err = new Error('awaited');
      expect(await rejectionOf(failed(err))).to.equal(err);
    });

    it('await throws CancelledError for a cancelled future', async function () {
      expect(await rejectionOf(cancelledFuture())).to.be.instanceOf(CancelledError);
    });

    it('works with Promise.resolve and Promise.all', async function () {
      expect(await Promise.resolve(finished(1))).to.equal(1);
      expect(await Promise.all([finished(1), finished(2)])).to.deep.equal([1, 2]);
    });

    it('then(onFulfilled, onRejected) is called like a promise', async function () {
      const v = await finished(2).then((x) => x * 10);
      expect(v).to.equal(20);
      const r = await failed(new Error('e')).then(
        () => 'fulfilled',
        (e) => (e as Error).message,
      );
      expect(r).to.equal('e');
    });
  });
});

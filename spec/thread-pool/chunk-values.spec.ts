/**
 * What a multi-item chunk carries both ways. All-number chunks travel packed (an
 * Int32Array when every value is an int32, else a Float64Array), and a chunk mixes
 * synchronous results, promises and failures: every value must still arrive exactly as
 * a serial map would give it, in its place.
 */
import { expect } from 'chai';
import { lastValueFrom, materialize, toArray } from 'rxjs';
import { ThreadPoolExecutor } from '../../lib/index.js';

describe('ThreadPoolExecutor: values of multi-item chunks', function () {
  this.timeout(20_000);
  const ex = new ThreadPoolExecutor({ maxWorkers: 1 });
  after(() => ex.shutdown());

  const mapAll = <T, R>(fn: (x: T) => R | Promise<R>, items: T[], chunksize = items.length) =>
    lastValueFrom(ex.map(fn, items, { chunksize }).pipe(toArray()));

  const pad = (xs: number[]) => [...xs, ...Array.from({ length: 16 }, (_, i) => i)];

  it('int32 numbers, and numbers at and past the int32 edges, arrive and return unchanged', async () => {
    const items = pad([2 ** 31 - 1, -(2 ** 31), 2 ** 31, -(2 ** 31) - 1, 2 ** 53, -(2 ** 53), 0, 1, -1]);
    const seen = await mapAll((x: number) => [typeof x, x], items);
    expect(seen).to.deep.equal(items.map((x) => ['number', x]));
    expect(await mapAll((x: number) => x, items)).to.deep.equal(items);
  });

  it('-0 among small integers stays -0 both ways (it is no int32)', async () => {
    const items = pad([-0]);
    const isNegZero = await mapAll((x: number) => Object.is(x, -0), items);
    expect(isNegZero).to.deep.equal(items.map((_, i) => i === 0));
    const back = await mapAll((x: number) => x, items);
    expect(Object.is(back[0], -0)).to.equal(true);
  });

  it('NaN, Infinity and fractions keep their exact value both ways (Object.is)', async () => {
    const items = pad([-0, Number.NaN, Infinity, -Infinity, 0.5, -1e-300, Number.MAX_VALUE, Number.EPSILON]);
    const back = await mapAll((x: number) => x, items);
    back.forEach((v, i) => expect(Object.is(v, items[i]), `item ${i}: ${v} vs ${items[i]}`).to.equal(true));
  });

  it('a chunk of numbers whose results are not all numbers returns each result as it was', async () => {
    const items = pad([]);
    const out = await mapAll((x: number) => (x % 3 === 0 ? `s${x}` : x % 3 === 1 ? x * 1.5 : null), items);
    expect(out).to.deep.equal(items.map((x) => (x % 3 === 0 ? `s${x}` : x % 3 === 1 ? x * 1.5 : null)));
  });

  it('synchronous results, promises, throws and rejections mixed in one chunk each land in their place', async () => {
    const items = Array.from({ length: 20 }, (_, i) => i);
    const fn = (x: number): number | Promise<number> => {
      if (x === 5) throw new RangeError('sync 5');
      if (x === 6) return Promise.reject(new TypeError('async 6'));
      return x % 2 ? new Promise((r) => setTimeout(() => r(x * 10), 1)) : x * 10;
    };
    const events = await lastValueFrom(
      ex.map(fn, items, { chunksize: 20, errors: 'end' }).pipe(materialize(), toArray()),
    );
    const values = events.filter((e) => e.kind === 'N').map((e) => e.value);
    expect(values).to.deep.equal(items.filter((x) => x !== 5 && x !== 6).map((x) => x * 10));
    const last = events.at(-1)!;
    expect(last.kind).to.equal('E');
    expect(last.error).to.be.instanceOf(RangeError).with.property('message', 'sync 5');
    const stats = ex.stats();
    expect(stats.failed).to.equal(2);
  });
});

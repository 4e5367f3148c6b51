/** transfer(value, list): buffers are moved to the worker, not copied; the caller's arrays stay as they were. */
import { expect } from 'chai';
import { lastValueFrom, toArray } from 'rxjs';
import { ThreadPoolExecutor, transfer } from '../../lib/index.js';

describe('transfer()', function () {
  this.timeout(20_000);
  const ex = new ThreadPoolExecutor({ maxWorkers: 1 });
  after(() => ex.shutdown());

  it('moves an ArrayBuffer argument to the worker: the task sees it, the sender no longer has it', async () => {
    const data = new Float64Array([1, 2, 3, 4]);
    const sum = await ex.submit((a: Float64Array) => a.reduce((s, x) => s + x, 0), transfer(data, [data.buffer]));
    expect(sum).to.equal(10);
    expect(data.buffer.byteLength).to.equal(0); // detached: it was moved, not copied
  });

  it('without transfer() the argument is copied and stays usable', async () => {
    const data = new Float64Array([1, 2, 3]);
    expect(await ex.submit((a: Float64Array) => a.length, data)).to.equal(3);
    expect(data.length).to.equal(3);
  });

  it("starmap with transfer() markers leaves the caller's argument arrays untouched", async () => {
    const a = new Uint8Array([1, 2]);
    const b = new Uint8Array([3, 4, 5]);
    const rows: [Uint8Array, number][] = [
      [transfer(a, [a.buffer]), 10],
      [transfer(b, [b.buffer]), 20],
    ];
    const before = rows.map((r) => r[0]);
    const out = await lastValueFrom(
      ex.starmap((arr: Uint8Array, k: number) => arr.length * k, rows, { chunksize: 2 }).pipe(toArray()),
    );
    expect(out).to.deep.equal([20, 60]);
    expect(rows.map((r) => r[0])).to.deep.equal(before); // still the markers we put there
  });
});

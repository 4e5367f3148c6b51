/** The segmented buffer behind Observable sources: a FIFO, whatever the mix of pushes and takes. */
import { expect } from 'chai';
import fc from 'fast-check';
import { Fifo } from '../../lib/core/fifo.js';

describe('Fifo (the buffer of values an Observable source pushed ahead)', () => {
  it('gives values back in push order across segment boundaries, like an array queue', () => {
    const op = fc.oneof(
      fc.record({ push: fc.integer({ min: 0, max: 10_000 }) }),
      fc.record({ take: fc.integer({ min: 0, max: 12_000 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 30 }), (ops) => {
        const fifo = new Fifo<number>();
        const model: number[] = [];
        let next = 0;
        for (const o of ops) {
          if ('push' in o) {
            for (let i = 0; i < o.push; i++) {
              fifo.push(next);
              model.push(next++);
            }
          } else {
            expect(fifo.take(o.take)).to.deep.equal(model.splice(0, o.take));
          }
          expect(fifo.length).to.equal(model.length);
        }
        expect(fifo.take(Infinity)).to.deep.equal(model);
        expect(fifo.length).to.equal(0);
      }),
      { seed: 42, numRuns: 200 },
    );
  });

  it('take(n) on an empty buffer returns an empty array', () => {
    expect(new Fifo<string>().take(5)).to.deep.equal([]);
  });
});

/**
 * The job codec keeps structured-clone fidelity whichever way a value travels: as JSON text
 * (values JSON keeps exactly) or v8-serialized. Whatever goes in, what comes out is what
 * structured clone would give, and the JSON form is used only where that holds.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { deserialize, serialize } from 'node:v8';
import { TaskSerializationError } from '../../lib/index.js';
import { decodeDone, decodeItems, encodeDone, encodeItems, jsonExact } from '../../lib/executors/bullmq/codec.js';

const cloned = (v: unknown): unknown => deserialize(serialize(v));

/** [1, <hole>, 3] */
function sparse(): number[] {
  const a = [1, 2, 3];
  delete a[1];
  return a;
}

/** The job data of `items`, which must all be sendable. */
function jobData(items: unknown[], spread: boolean): Parameters<typeof decodeItems>[0] {
  const encoded = encodeItems(items, spread);
  if (encoded.errors) throw new Error('unsendable');
  return encoded.data;
}

/**
 * Equal as structured clones. isDeepStrictEqual alone calls two Invalid Dates different
 * (their times are NaN); the same v8 serialization says they are the same value.
 */
function sameClone(a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(a, b) || serialize(a).equals(serialize(b));
}

/** Values of every kind structured clone keeps, JSON-friendly ones most often. */
const value = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue() },
  {
    weight: 2,
    arbitrary: fc.anything({
      withBigInt: true,
      withDate: true,
      withMap: true,
      withSet: true,
      withTypedArray: true,
      withNullPrototype: true,
      withSparseArray: true,
      withUnicodeString: true,
    }),
  },
  { weight: 1, arbitrary: fc.constantFrom(-0, NaN, Infinity, undefined, sparse(), Object.assign([1], { x: 2 })) },
);

describe('BullMQ job codec: structured-clone fidelity, as JSON or v8', function () {
  it('arguments come out as structured clone gives them, spread or not', function () {
    fc.assert(
      fc.property(fc.array(value, { maxLength: 5 }), fc.boolean(), (items, spread) => {
        const input = spread ? items.map((v) => [v, 1]) : items;
        expect(sameClone(decodeItems(jobData(input, spread)), cloned(input))).to.equal(true);
      }),
    );
  });

  it('results come out as structured clone gives them', function () {
    fc.assert(
      fc.property(fc.array(value, { maxLength: 5 }), (values) => {
        const outcome = JSON.parse(JSON.stringify(encodeDone(values, null, 1))) as Parameters<typeof decodeDone>[0];
        const back = decodeDone(outcome);
        expect(back.errors).to.equal(null);
        expect(sameClone(back.values, cloned(values))).to.equal(true);
      }),
    );
  });

  it('JSON carries only what it keeps exactly; the rest goes v8-serialized', function () {
    expect(jsonExact([[1, 'a', true, null, { b: [2.5] }]])).to.equal(true);
    for (const v of [
      -0,
      NaN,
      Infinity,
      undefined,
      1n,
      new Date(0),
      new Map(),
      sparse(),
      Object.assign([1], { x: 2 }),
    ]) {
      expect(jsonExact([v]), String(v)).to.equal(false);
    }
    expect(jsonExact([new Proxy({}, {})])).to.equal(false);
    const throwing = Object.defineProperty({}, 'x', {
      enumerable: true,
      get() {
        throw new Error('no');
      },
    });
    expect(jsonExact([throwing])).to.equal(false);
    expect(encodeItems([[throwing]], true).errors?.[0]).to.be.instanceOf(TaskSerializationError);
    expect(jobData([[1, 2]], true)).to.deep.equal({ j: '[[1,2]]' });
    expect(jobData([[new Date(0)]], true))
      .to.have.property('a')
      .that.is.a('string');
    expect(encodeDone([2], null, 1)).to.deep.equal({ k: 'done', j: '[2]', ms: 1 });
    expect(encodeDone([2], [new Error('x')], 1)).to.have.property('b');
  });

  it('arguments are taken when submitted: later changes do not reach the job', function () {
    const arg = { n: 1 };
    const data = jobData([[arg]], true);
    arg.n = 2;
    expect(decodeItems(data)).to.deep.equal([[{ n: 1 }]]);
  });

  it('a hostile error on the wire (ctor naming a prototype member, own __proto__ props) decodes to a plain Error and pollutes nothing', () => {
    for (const ctor of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      const wire = {
        kind: 'error',
        ctor,
        name: 'Evil',
        message: 'boom',
        stack: 'Evil: boom',
        hasCause: false,
        props: JSON.parse('{"__proto__": {"polluted": true}, "code": "E_EVIL"}') as Record<string, unknown>,
      };
      const outcome = { k: 'done' as const, b: serialize({ v: [undefined], e: [wire] }).toString('base64'), ms: 0 };
      const { errors } = decodeDone(outcome);
      const err = errors![0] as Error & { code?: string; polluted?: unknown };
      expect(err, ctor).to.be.instanceOf(Error);
      expect(Object.getPrototypeOf(err), ctor).to.equal(Error.prototype);
      expect(err.message).to.equal('boom');
      expect(err.code).to.equal('E_EVIL');
      expect(err.polluted, 'the error has no prototype from the wire').to.equal(undefined);
      expect(({} as { polluted?: unknown }).polluted, 'Object.prototype untouched').to.equal(undefined);
    }
  });

  it('an error on the wire of a kind this version does not know still decodes to an error, not a value', () => {
    const outcome = {
      k: 'done' as const,
      b: serialize({ v: [7], e: [{ kind: 'mystery' }] }).toString('base64'),
      ms: 0,
    };
    const { errors } = decodeDone(outcome);
    expect(errors![0]).to.be.instanceOf(Error);
    expect((errors![0] as Error).message).to.match(/cannot be read.*mystery/);
  });
});

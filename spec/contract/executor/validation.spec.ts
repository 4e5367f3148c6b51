import { expect } from 'chai';
import { forEachExecutor } from '../../helpers/executors.js';

const double = (x: number) => x * 2;

forEachExecutor('Executor argument validation', (makeExecutor) => {
  describe('submit refuses what cannot run in a worker, synchronously with TypeError', function () {
    for (const [what, value] of [
      ['a number', 42],
      ['null', null],
      ['a string of code', 'x => x'],
      ['a plain object', {}],
    ] as const) {
      it(`refuses ${what}`, function () {
        const ex = makeExecutor();
        expect(() => ex.submit(value as never)).to.throw(TypeError);
      });
    }

    it('refuses a bound function', function () {
      const ex = makeExecutor();
      const bound = function (this: unknown, x: number) {
        return x;
      }.bind(null);
      expect(() => ex.submit(bound, 1)).to.throw(TypeError);
    });

    it('refuses a native function (Math.max)', function () {
      const ex = makeExecutor();
      expect(() => ex.submit(Math.max, 1, 2)).to.throw(TypeError);
    });

    it('a refused submit leaves the executor usable', async function () {
      const ex = makeExecutor();
      expect(() => ex.submit(Math.max, 1, 2)).to.throw(TypeError);
      expect(await ex.submit(double, 4)).to.equal(8);
    });
  });

  describe('map/starmap options are checked when map is called, synchronously', function () {
    const cases: ReadonlyArray<[string, Record<string, unknown>, ErrorConstructor]> = [
      ['window 0', { window: 0 }, RangeError],
      ['window -1', { window: -1 }, RangeError],
      ['window 1.5', { window: 1.5 }, TypeError],
      ["window '2'", { window: '2' }, TypeError],
      ['chunksize 0', { chunksize: 0 }, RangeError],
      ['chunksize 2.5', { chunksize: 2.5 }, TypeError],
      ["chunksize 'x'", { chunksize: 'x' }, TypeError],
      ["errors 'bogus'", { errors: 'bogus' }, TypeError],
    ];
    for (const [what, options, errorClass] of cases) {
      it(`map with ${what} throws ${errorClass.name} before subscription`, function () {
        const ex = makeExecutor();
        expect(() => ex.map(double, [1, 2], options as never)).to.throw(errorClass);
      });
    }

    it("starmap with window 0 throws RangeError, errors 'bogus' TypeError", function () {
      const ex = makeExecutor();
      expect(() => ex.starmap(double, [[1]], { window: 0 })).to.throw(RangeError);
      expect(() => ex.starmap(double, [[1]], { errors: 'bogus' as never })).to.throw(TypeError);
    });

    it("valid options (window 1, chunksize 3 or 'auto', each errors mode) are accepted", function () {
      const ex = makeExecutor();
      for (const options of [
        { window: 1 },
        { chunksize: 3 },
        { chunksize: 'auto' as const },
        { errors: 'ordered' as const },
        { errors: 'immediate' as const },
        { errors: 'end' as const },
      ]) {
        expect(() => ex.map(double, [1], options)).not.to.throw();
      }
    });
  });
});

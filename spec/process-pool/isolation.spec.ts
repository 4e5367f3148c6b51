/**
 * ProcessPoolExecutor isolates what threads share: the working directory and the
 * environment; each child takes execArgv and env; Node-thread-only options are refused.
 */
import { expect } from 'chai';
import { ProcessPoolExecutor, transfer } from '../../lib/index.js';
import { useProcessPools } from '../helpers/executors.js';

describe('ProcessPoolExecutor: process-wide state stays in its process', function () {
  this.timeout(30_000);
  const makePool = useProcessPools();

  it("process.chdir inside a task changes neither the host's cwd nor another child's", async function () {
    const ex = makePool({ maxWorkers: 2, minWorkers: 2 });
    const host = process.cwd();
    const where = (ms: number) =>
      new Promise<[number, string]>((r) => setTimeout(() => r([process.pid, process.cwd()]), ms));
    // Two slow tasks at once: one on each child.
    const before = await Promise.all([ex.submit(where, 100), ex.submit(where, 100)]);
    expect(new Set(before.map(([pid]) => pid)).size, 'two children').to.equal(2);
    const [moved, dir] = await ex.submit(() => {
      process.chdir('/tmp');
      return [process.pid, process.cwd()] as [number, string];
    });
    expect(dir).to.equal('/tmp');
    expect(process.cwd()).to.equal(host);
    const after = await Promise.all([ex.submit(where, 100), ex.submit(where, 100)]);
    for (const [pid, cwd] of after) expect(cwd).to.equal(pid === moved ? '/tmp' : host);
  });

  it("process.env changes stay in the child; the env option sets a child's environment", async function () {
    const ex = makePool({ maxWorkers: 1, env: { ...process.env, RXJS_FUTURES_SPEC: 'from the option' } });
    expect(await ex.submit(() => process.env.RXJS_FUTURES_SPEC)).to.equal('from the option');
    await ex.submit(() => {
      process.env.RXJS_FUTURES_LEAK = 'leaked';
    });
    expect(process.env.RXJS_FUTURES_LEAK).to.equal(undefined);
  });

  it('execArgv reaches the child (a heap limit per process)', async function () {
    const ex = makePool({ maxWorkers: 1, execArgv: ['--max-old-space-size=48'] });
    const limitMb = await ex.submit(async () => {
      const v8 = await import('node:v8');
      return v8.getHeapStatistics().heap_size_limit / 2 ** 20;
    });
    expect(limitMb).to.be.within(40, 120);
  });

  it('values keep structured-clone fidelity across the process boundary', async function () {
    const ex = makePool({ maxWorkers: 1 });
    const v = await ex.submit(
      (x: { d: Date; m: Map<number, bigint>; s: Set<string>; u: undefined; t: Int32Array }) => ({
        ...x,
        pid: process.pid,
      }),
      { d: new Date(5), m: new Map([[1, 2n]]), s: new Set(['a']), u: undefined, t: new Int32Array([7]) },
    );
    expect(v.pid).to.not.equal(process.pid);
    expect(v.d).to.be.instanceOf(Date);
    expect(v.d.getTime()).to.equal(5);
    expect(v.m.get(1)).to.equal(2n);
    expect([...v.s]).to.deep.equal(['a']);
    expect('u' in v && v.u === undefined).to.equal(true);
    expect(Array.from(v.t)).to.deep.equal([7]);
  });

  it('a result the IPC channel refuses (a SharedArrayBuffer) fails that future only, naming the result; the child lives on', async function () {
    const ex = makePool({ maxWorkers: 1 });
    const pid = await ex.submit(() => process.pid);
    const err = await ex.submit(() => new SharedArrayBuffer(8)).exception();
    expect((err as Error).name).to.equal('TaskSerializationError');
    expect((err as Error).message).to.match(/result .*SharedArrayBuffer/);
    expect(await ex.submit(() => process.pid)).to.equal(pid);
  });

  it('transfer() copies to a child (the host keeps its buffer), and such a task is requeued if a neighbour crashes its child', async function () {
    const ex = makePool({ maxWorkers: 1 });
    await ex.submit(() => 0);
    const killer = ex.submit(async () => {
      await new Promise((r) => setTimeout(r, 100));
      process.exit(3);
    });
    const buffer = new ArrayBuffer(8);
    const f = ex.submit((b: ArrayBuffer) => b.byteLength, transfer(buffer, [buffer]));
    expect(buffer.byteLength, 'not detached').to.equal(8);
    await killer.exception();
    expect(await f).to.equal(8);
  });

  it('a SharedArrayBuffer argument fails that future with TaskSerializationError (processes share no memory)', async function () {
    const ex = makePool({ maxWorkers: 1 });
    const err = await ex.submit((b: SharedArrayBuffer) => b.byteLength, new SharedArrayBuffer(8)).exception();
    expect((err as Error).name).to.equal('TaskSerializationError');
    expect(await ex.submit(() => 'still serving')).to.equal('still serving');
  });
});

describe('ProcessPoolExecutor options are validated at construction', function () {
  it('resourceLimits throws TypeError that points to execArgv', function () {
    expect(() => new ProcessPoolExecutor({ resourceLimits: {} } as never)).to.throw(TypeError, /execArgv/);
  });
  it('execArgv must be an array of strings; env an object', function () {
    expect(() => new ProcessPoolExecutor({ execArgv: '--inspect' as never })).to.throw(TypeError, /execArgv/);
    expect(() => new ProcessPoolExecutor({ execArgv: [1] as never })).to.throw(TypeError, /execArgv/);
    expect(() => new ProcessPoolExecutor({ env: 'x' as never })).to.throw(TypeError, /env/);
  });
  it('the shared options are checked as for threads', function () {
    expect(() => new ProcessPoolExecutor({ maxWorkers: 0 })).to.throw(RangeError);
    expect(() => new ProcessPoolExecutor({ minWorkers: 3, maxWorkers: 2 })).to.throw(RangeError);
  });
});

describe("ProcessPoolExecutor: the host's flags a child inherits by default", function () {
  it('drops those that say what to run or bind a debugger, keeps the rest', async function () {
    const { hostFlags } = await import('../../lib/platform/node-process.js');
    expect(
      hostFlags(['--input-type=module', '-e', 'run()', '--import', 'tsx', '--max-old-space-size=64']),
    ).to.deep.equal(['--import', 'tsx', '--max-old-space-size=64']);
    expect(
      hostFlags(['-p', '1+1', '--inspect=9229', '--test', '--watch-path', 'src', '--conditions=dev', '--expose-gc']),
    ).to.deep.equal(['--conditions=dev', '--expose-gc']);
    expect(hostFlags(['--eval=x', '--input-type', 'module', '-r', 'hook.cjs'])).to.deep.equal(['-r', 'hook.cjs']);
    expect(hostFlags(['-e', '-1'])).to.deep.equal([]); // the code may look like a flag
    expect(hostFlags(['-pe', '1+1', '--expose-gc'])).to.deep.equal(['--expose-gc']); // bundled short flags
  });
});

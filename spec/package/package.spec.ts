/**
 * The package as a new user gets it: `npm pack` the repository (the build exists when
 * mocha runs), install the tarball in an empty folder, paste the README's 30-second
 * example (examples/quick-start.mjs and .ts, copied unchanged) and run it; then
 * type-check a consumer under `module: nodenext` and `module: preserve` +
 * `moduleResolution: bundler`, both `strict`, against the installed package.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const SQUARES = ['1', '4', '9', '16', '25', '36', '49', '64', '81', '100'];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], cwd: string, timeoutMs = 180_000): Promise<Run> {
  return new Promise((resolvePromise) => {
    // npm_* variables of a surrounding `npm test` would point npm at this repository.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_')));
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolvePromise({ code: -1, stdout, stderr: stderr + String(err) });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

function expectOk(r: Run, what: string): string {
  expect(r.code, `${what} failed:\n${r.stderr}\n${r.stdout}`).to.equal(0);
  return r.stdout;
}

const lines = (out: string) => out.split('\n').filter((l) => l.length > 0);

/** A consumer touching the whole public surface, root and `/operators` entry points. */
const CONSUMER = `
import { range, type Observable } from 'rxjs';
import {
  ThreadPoolExecutor, InlineExecutor, Future, CancelledError, WaitTimeoutError, asCompleted, task, transfer,
  getDefaultExecutor, setDefaultExecutor,
  type Executor, type ExecutorStats, type FutureStream, type MapOptions, type ParallelMapOptions,
  type Task, type TaskFn, type TaskRef, type ThreadPoolExecutorOptions, type Source,
} from 'rxjs-futures';
import { parallelMap, submitOn, fromTask, wait } from 'rxjs-futures/operators';

const options: ThreadPoolExecutorOptions = { maxWorkers: 2, minWorkers: 0, idleTimeout: 500, taskTimeout: 1000, name: 'demo' };
const ex: Executor = new ThreadPoolExecutor(options);
const inline: Executor = new InlineExecutor();
setDefaultExecutor(getDefaultExecutor());
const add: TaskFn<[number, number], number> = (a, b) => a + b;
const f: Future<number> = ex.submit(add, 1, 2);
const g: Future<string> = ex.submit((s: string) => s.toUpperCase(), 'x');
const ref: TaskRef<[number], number> = task<(n: number) => number>('/abs/tasks.js', 'double');
const t: Task<[number], number> = ref;
const mo: MapOptions = { ordered: false, window: 4, chunksize: 'auto', errors: 'end', cancelRunning: true };
const pmo: ParallelMapOptions = { ...mo, executor: inline };
const squares: Observable<number> = range(1, 10).pipe(parallelMap((n: number) => n * n, pmo));
const stream: FutureStream<number> = ex.map(t, [1, 2, 3]);
const src: Source<[number, number]> = [[1, 2]];
const sums: FutureStream<number> = ex.starmap(add, src);
const futures: Observable<Future<number>> = range(1, 3).pipe(submitOn(ex, (n: number) => n + 1));
const once: Observable<number> = fromTask(ex, add, 1, 2);
const stats: ExecutorStats = ex.stats();
const moved = transfer(new ArrayBuffer(8), [] as ArrayBuffer[]);

async function main(): Promise<void> {
  const v: number = await f;
  const r: number = await f.result(100);
  const err: unknown = await g.exception();
  for await (const x of stream) console.log(x + v + r);
  asCompleted([f], { timeout: 10 }).subscribe((d) => console.log(d.done(), d.cancelled(), d.running()));
  const { done, notDone } = await wait([f, f], { returnWhen: 'FIRST_COMPLETED' });
  f.addDoneCallback((fut: Future<number>) => console.log(fut.cancel()));
  console.log(done.size, notDone.size, err instanceof CancelledError, err instanceof WaitTimeoutError, stats.running, moved);
  console.log(squares, sums, futures, once);
  await ex.shutdown({ wait: true, cancelFutures: false });
  await ex[Symbol.asyncDispose]();
}
void main();
`;

const TSCONFIGS: Record<string, object> = {
  'module nodenext': { module: 'nodenext', moduleResolution: 'nodenext' },
  'module preserve + moduleResolution bundler': { module: 'preserve', moduleResolution: 'bundler' },
};

describe('package: the packed tarball, installed in an empty folder', function () {
  this.timeout(300_000);

  let work = '';
  let consumer = '';
  let skipReason: string | undefined;
  let installError: string | undefined;

  before(async function () {
    work = mkdtempSync(join(tmpdir(), 'rxjs-futures-pack-'));
    const pack = await run('npm', ['pack', '--ignore-scripts', '--pack-destination', work, '--json'], ROOT);
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
    if (pack.code !== 0 || !tarball) {
      skipReason = `npm pack is impossible here (exit ${pack.code}): ${pack.stderr.trim().split('\n').slice(-3).join(' | ')}`;
      return;
    }
    consumer = join(work, 'consumer');
    mkdirSync(consumer);
    // What a new user types. @types/node: the package is for Node, and its types name
    // Node's ResourceLimits (see the type-check tests below).
    const install = await run(
      'npm',
      [
        'install',
        join(work, tarball),
        'rxjs',
        'tsx',
        'typescript@~6.0',
        '@types/node@^20',
        '--no-audit',
        '--no-fund',
        '--prefer-offline',
      ],
      consumer,
    );
    if (install.code !== 0)
      installError = `npm install of the tarball failed (exit ${install.code}):\n${install.stderr}`;
  });

  after(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  beforeEach(function () {
    if (skipReason) {
      console.log(`      skipped: ${skipReason}`);
      this.skip();
    }
    expect(installError, installError).to.equal(undefined);
  });

  it('ships the built library, its types and no test or benchmark code', () => {
    const pkgDir = join(consumer, 'node_modules', 'rxjs-futures');
    const manifest = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as {
      exports: Record<string, unknown>;
    };
    expect(Object.keys(manifest.exports)).to.include.members(['.', './operators']);
    const shipped = readdirSync(join(pkgDir, 'dist'));
    expect(shipped).to.include.members(['lib', 'operators']);
    for (const dir of ['spec', 'benchmarks', 'examples']) expect(shipped).to.not.include(dir);
  });

  it("the README's 30-second example, pasted into demo.mjs, runs with node", async () => {
    copyFileSync(join(ROOT, 'examples', 'quick-start.mjs'), join(consumer, 'demo.mjs'));
    const out = expectOk(await run('node', ['demo.mjs'], consumer, 60_000), 'node demo.mjs');
    expect(lines(out)).to.deep.equal(SQUARES);
  });

  it("the README's 30-second example, pasted into demo.ts, runs with npx tsx", async () => {
    copyFileSync(join(ROOT, 'examples', 'quick-start.ts'), join(consumer, 'demo.ts'));
    const out = expectOk(await run('npx', ['tsx', 'demo.ts'], consumer, 60_000), 'npx tsx demo.ts');
    expect(lines(out)).to.deep.equal(SQUARES);
  });

  it('the published .d.ts files do not import threads.js', () => {
    const dist = join(consumer, 'node_modules', 'rxjs-futures', 'dist');
    const offenders: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, entry.name);
        if (entry.isDirectory()) walk(p);
        else if (entry.name.endsWith('.d.ts') || entry.name.endsWith('.d.cts') || entry.name.endsWith('.d.mts')) {
          if (/(from\s+|import\()\s*['"]threads(\/[^'"]*)?['"]/.test(readFileSync(p, 'utf8'))) offenders.push(p);
        }
      }
    };
    walk(dist);
    expect(offenders).to.deep.equal([]);
  });

  /** Type-checks CONSUMER, strict, in a folder of the consumer project; returns the files tsc read. */
  async function typeCheck(name: string, compilerOptions: object): Promise<string[]> {
    const dir = join(consumer, name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module', private: true }));
    writeFileSync(join(dir, 'consumer.ts'), CONSUMER);
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { ...compilerOptions, strict: true, noEmit: true }, files: ['consumer.ts'] }),
    );
    const r = await run('npx', ['tsc', '--noEmit', '-p', 'tsconfig.json', '--listFiles'], dir, 120_000);
    expectOk(r, `tsc --noEmit (${name})`);
    const files = lines(r.stdout);
    expect(files.some((f) => f.includes('/node_modules/rxjs-futures/dist/lib/index.d.ts'))).to.equal(true);
    return files;
  }

  for (const [title, moduleOptions] of Object.entries(TSCONFIGS)) {
    it(`a strict consumer type-checks under ${title}, without any threads.js type`, async () => {
      const files = await typeCheck(title.replace(/\W+/g, '-'), {
        ...moduleOptions,
        target: 'es2022',
        types: ['node'],
      });
      expect(files.filter((f) => f.includes('/node_modules/threads/'))).to.deep.equal([]);
    });
  }

  it('a browser consumer (bundler resolution, DOM lib, no Node types) type-checks without @types/node', async () => {
    const files = await typeCheck('browser-consumer', {
      ...TSCONFIGS['module preserve + moduleResolution bundler'],
      target: 'es2022',
      lib: ['ES2022', 'DOM', 'ESNext.Disposable'],
      customConditions: ['browser'],
      types: [],
    });
    expect(files.filter((f) => f.includes('/node_modules/@types/node/'))).to.deep.equal([]);
  });
});

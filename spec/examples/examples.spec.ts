/**
 * Every program in examples/ is run as a child process, as a user would run it:
 * compiled (`node dist/examples/x.js`), and through tsx (`npx tsx examples/x.ts`) for the
 * quick start and the seed walkthrough. Each must exit 0 and print its key lines.
 */
import { spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs a command in the repository root; kills it after `timeoutMs`. */
function run(cmd: string, args: string[], env: Record<string, string> = {}, timeoutMs = 60_000): Promise<Run> {
  const started = Date.now();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

function ok(r: Run): string {
  expect(r.code, `exit code; stderr:\n${r.stderr}\nstdout:\n${r.stdout}`).to.equal(0);
  return r.stdout;
}

const lines = (out: string) => out.split('\n').filter((l) => l.length > 0);

const SQUARES = ['1', '4', '9', '16', '25', '36', '49', '64', '81', '100'];

function checkQuickStart(out: string): void {
  expect(lines(out)).to.deep.equal(SQUARES);
}

function checkWalkthrough(out: string): void {
  const all = lines(out);
  // submit / running() / done() / result()
  for (const name of ['a', 'b', 'c']) {
    expect(
      all.some((l) => new RegExp(`^${name} running: (true|false)$`).test(l)),
      `${name} running`,
    ).to.equal(true);
    expect(
      all.some((l) => new RegExp(`^${name} done: (true|false)$`).test(l)),
      `${name} done`,
    ).to.equal(true);
  }
  expect(all).to.include.members(['a result 2', 'b result 3', 'c result 10']);
  // cancelling and callbacks: 12 even tasks have a callback (the cancelled one included)
  expect(all).to.include('Process 4 cancelled');
  expect(all.filter((l) => l === 'Process done!')).to.have.length(12);
  const taskLines = all.filter((l) => /^task \d+: \d+\.\d{6}$/.test(l));
  const indices = taskLines.map((l) => Number(/^task (\d+)/.exec(l)![1])).sort((x, y) => x - y);
  expect(indices).to.deep.equal([...Array(24).keys()].filter((i) => i !== 4));
  // starmap over pairs of ones
  expect(all).to.include(JSON.stringify(Array(12).fill(2)));
}

describe('examples (run as child processes)', function () {
  this.timeout(90_000);

  describe('quick-start', () => {
    it('node dist/examples/quick-start.js prints the squares of 1..10 in order', async () => {
      checkQuickStart(ok(await run('node', ['dist/examples/quick-start.js'])));
    });
    it('npx tsx examples/quick-start.ts prints the squares of 1..10 in order', async () => {
      checkQuickStart(ok(await run('npx', ['tsx', 'examples/quick-start.ts'])));
    });
    it('node examples/quick-start.mjs (plain JavaScript) prints the squares of 1..10 in order', async () => {
      checkQuickStart(ok(await run('node', ['examples/quick-start.mjs'])));
    });
  });

  describe('seed-walkthrough', () => {
    it('node dist/examples/seed-walkthrough.js retells the notebook', async () => {
      checkWalkthrough(ok(await run('node', ['dist/examples/seed-walkthrough.js'], { SLEEP_SCALE: '0.1' })));
    });
    it('npx tsx examples/seed-walkthrough.ts retells the notebook', async () => {
      checkWalkthrough(ok(await run('npx', ['tsx', 'examples/seed-walkthrough.ts'], { SLEEP_SCALE: '0.1' })));
    });
  });

  it('pipeline: parallelMap inside a pipeline keeps input order', async () => {
    const out = lines(ok(await run('node', ['dist/examples/pipeline.js'])));
    expect(out[0]).to.equal('primes below 100000: 9592');
    expect(out).to.include('primes below 1000000: 78498');
    const limits = out.filter((l) => l.startsWith('primes below')).map((l) => Number(/below (\d+)/.exec(l)![1]));
    expect(limits).to.deep.equal([1, 2, 4, 5, 7, 8, 10, 11].map((i) => i * 100_000));
    expect(out.at(-1)).to.match(/^total: \d+$/);
  });

  it('submit-on: mergeAll gives completion order, concatAll input order', async () => {
    const out = lines(ok(await run('node', ['dist/examples/submit-on.js'])));
    expect(out).to.include('mergeAll (completion order): 100, 500, 900');
    expect(out).to.include('concatAll (input order): 900, 100, 500');
    expect(out.filter((l) => /^future done after \d+ ms$/.test(l))).to.have.length(3);
  });

  it('cancel-with-take-until: the executor is free again long before the 10 s tasks would end', async () => {
    const r = await run('node', ['dist/examples/cancel-with-take-until.js']);
    const out = ok(r);
    expect(out).to.match(/takeUntil fired after \d+ ms: the 4 tasks are cancelled/);
    const answered = /a new task answered 42 (\d+) ms later/.exec(out);
    expect(answered, out).to.not.equal(null);
    expect(Number(answered![1])).to.be.below(1000);
    expect(out).to.include('stats: running 0, queued 0, cancelled 4');
    // The script must also exit promptly once its work is done: an executor never keeps
    // the process alive.
    expect(r.ms, 'whole run, until the process exited').to.be.below(8000);
  });

  it('stream-lines: a log file parsed in a worker streams its records; take(3) closes the file in the worker', async () => {
    const out = lines(ok(await run('node', ['dist/examples/stream-lines.js'])));
    expect(out).to.include('errors: 40000, mean 12.00 ms');
    expect(out).to.include('first warnings at: 2026-12-03T10:00:03Z, 2026-12-03T10:00:08Z, 2026-12-03T10:00:13Z');
    // Once for the whole file, once when take(3) stopped the stream: shutdown() waited for it.
    expect(out.filter((l) => l === 'worker: closed app.log')).to.have.length(2);
  });

  it('progress-bar: stats$ drives progress to 10000/10000 (plain lines when not a TTY)', async () => {
    const out = lines(ok(await run('node', ['dist/examples/progress-bar.js'])));
    expect(out).to.include('progress: 10000/10000 (100%)');
    expect(out.at(-1)).to.match(/^mapped 10000 tasks: completed 10000, failed 0, checksum \d+$/);
  });
});

/**
 * The rxjs-futures-worker command line: --help, clear errors for bad flags and bad modules,
 * the defaults of API.md, and the bin entry of package.json.
 */
import { expect } from 'chai';
import { readFileSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { useCluster } from './cluster.js';

const FAULTY = fileURLToPath(new URL('../fixtures/faults-throws-on-import.js', import.meta.url));

describe('rxjs-futures-worker command line', function () {
  this.timeout(30_000);
  const cluster = useCluster();

  async function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const child = cluster.spawnCli(args);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    return { code, stdout, stderr };
  }

  it('--help prints the usage and exits 0', async () => {
    const { code, stdout } = await run(['--help']);
    expect(code).to.equal(0);
    expect(stdout).to.match(/^Usage: rxjs-futures-worker --redis URL --tasks MODULE/);
    for (const flag of ['--queue', '--threads', '--concurrency', '--lock-ms']) expect(stdout).to.contain(flag);
  });

  it('bad flags exit 2 with a message that names the flag', async () => {
    const cases: [string[], RegExp][] = [
      [['--tasks', 'x.js'], /--redis URL is required/],
      [['--redis', cluster.server.url], /--tasks MODULE is required/],
      [['--redis', 'localhost:6379', '--tasks', 'x.js'], /redis:\/\//],
      [
        ['--redis', cluster.server.url, '--tasks', 'x.js', '--threads', '0'],
        /--threads must be an integer of at least 1, got '0'/,
      ],
      [['--redis', cluster.server.url, '--tasks', 'x.js', '--concurrency', '2.5'], /--concurrency must be an integer/],
      [
        ['--redis', cluster.server.url, '--tasks', 'x.js', '--queue', 'a:b'],
        /queue must be a non-empty string without ':'/,
      ],
      [['--redis', cluster.server.url, '--tasks', 'x.js', '--frobnicate'], /unknown argument '--frobnicate'/],
      [['--redis'], /--redis needs a value/],
    ];
    for (const [args, message] of cases) {
      const { code, stderr } = await run(args);
      expect(code, args.join(' ')).to.equal(2);
      expect(stderr, args.join(' ')).to.match(message);
    }
  });

  it('a module that does not load, or does not exist, exits 1 before taking jobs', async () => {
    const broken = await run(['--redis', cluster.server.url, '--tasks', FAULTY]);
    expect(broken.code).to.equal(1);
    expect(broken.stderr).to.contain('could not be imported');
    const missing = await run(['--redis', cluster.server.url, '--tasks', '/nonexistent/tasks.js']);
    expect(missing.code).to.equal(1);
  });

  it('defaults: threads = the CPU count, concurrency = threads + 1, queue rxjs-futures', async () => {
    const child = cluster.spawnCli([
      '--redis',
      cluster.server.url,
      '--tasks',
      fileURLToPath(new URL('../fixtures/bullmq-tasks.js', import.meta.url)),
    ]);
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    await new Promise<void>((resolve) => child.stdout!.on('data', () => out.includes('\n') && resolve()));
    const n = availableParallelism();
    expect(out).to.match(
      new RegExp(`^rxjs-futures-worker ready queue=rxjs-futures threads=${n} concurrency=${n + 1} tasks=`),
    );
    expect(out.trim().split('\n')).to.have.length(1);
  });

  it('package.json names the built CLI as the rxjs-futures-worker bin, with a node shebang', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
      bin: Record<string, string>;
    };
    const bin = new URL(`../../../${pkg.bin['rxjs-futures-worker']}`, import.meta.url);
    expect(readFileSync(bin, 'utf8').split('\n')[0]).to.equal('#!/usr/bin/env node');
    expect(statSync(bin).isFile()).to.equal(true);
  });
});

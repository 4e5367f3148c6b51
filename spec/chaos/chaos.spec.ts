/**
 * Issue 4: the chaos test. Three fixed seeds in CI; any seed can be replayed with
 * `node dist/spec/chaos/chaos.js --seed N`.
 */
import { expect } from 'chai';
import { runNode } from '../helpers/child-process.js';
import { fileURLToPath } from 'node:url';
import { runChaos } from './chaos.js';

/** Seeds whose scenarios inject every fault kind (checked below). */
const SEEDS = [1, 8, 9];
const TASKS = 3000;

describe('chaos: random exits, throws, hangs, cancellations and unsubscriptions', function () {
  this.timeout(120_000);

  for (const seed of SEEDS) {
    it(`seed ${seed}: every future settles, every unfaulted task is correct, no worker leaks`, async function () {
      const r = await runChaos(seed, TASKS);
      console.log(
        `      seed ${seed}: ${r.tasks} tasks, ${r.futures} futures, ${r.streams} streams (${r.unsubscribed} cut short), ` +
          `${r.cancelled} cancelled, faults ${JSON.stringify(r.faults)}, ${r.ms} ms`,
      );
      expect(r.tasks).to.be.at.least(TASKS);
      for (const kind of ['throw', 'exit', 'async-throw', 'reject', 'hang'] as const) {
        expect(r.faults[kind], `the run injected '${kind}' faults`).to.be.greaterThan(0);
      }
      expect(r.unsubscribed, 'the run cut streams short').to.be.greaterThan(0);
      expect(r.cancelled, 'the run cancelled futures').to.be.greaterThan(0);
      expect(r.violations, `replay: node dist/spec/chaos/chaos.js --seed ${seed} --n ${TASKS}`).to.deep.equal([]);
    });
  }

  it('a seed replays from the command line, and the process exits by itself', async function () {
    const script = fileURLToPath(new URL('./chaos.js', import.meta.url));
    const run = await runNode([script, '--seed', '42', '--n', '300', '--json'], 60_000);
    const r = { code: run.code, out: run.stdout + run.stderr, timedOut: run.timedOut };
    expect(r.timedOut, `the replay did not exit: ${r.out}`).to.equal(false);
    const line = r.out
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .pop();
    expect(line, r.out).to.be.a('string');
    const report = JSON.parse(line!) as { seed: number; tasks: number; violations: string[] };
    expect(report.seed).to.equal(42);
    expect(report.tasks).to.be.at.least(300);
    expect(report.violations).to.deep.equal([]);
    expect(r.code).to.equal(0);
  });
});

/**
 * The benchmark harness (`npm run bench`, `npm run bench -- --quick`): runs every selected
 * scenario with its contenders interleaved (A B C … for `--rounds` rounds, each run on a
 * fresh pool), reports medians and ratios, and writes benchmarks/results/<out>.md and .svg.
 *
 *   --quick              smaller sizes and 3 rounds (writes partial.* unless --out is given)
 *   --rounds N           rounds per scenario (default 5; memory uses at most 3)
 *   --only a,b           contenders by id or family prefix (rf, piscina, tinypool, workerpool,
 *                        threads-pool, raw, serial, python)
 *   --scenarios a,b      overhead, cpu, tiny, skew, memory, cancel, cold, markdown
 *   --workers N          pool size (default 2)
 *   --out NAME           results file name (default latest for full runs, partial otherwise)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { REGISTRY, placeholder } from './contenders/index.js';
import { calibrateSpin, fmtNum, median, withTimeout } from './harness/stats.js';
import { progress } from './harness/progress.js';
import { machine } from './harness/machine.js';
import { markdown } from './harness/report-md.js';
import { svg } from './harness/report-svg.js';
import { resultsDir } from './harness/paths.js';
import type { Contender, Ctx, Sample, Scenario, ScenarioResult, Summary } from './harness/types.js';
import { overhead } from './scenarios/overhead.js';
import { cpu } from './scenarios/cpu.js';
import { tiny } from './scenarios/tiny.js';
import { skew } from './scenarios/skew.js';
import { memory } from './scenarios/memory.js';
import { cancel } from './scenarios/cancel.js';
import { cold } from './scenarios/cold.js';
import { markdown as markdownScenario } from './scenarios/markdown.js';

const ALL: Scenario[] = [overhead, cpu, tiny, skew, memory, cancel, cold, markdownScenario];
const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    only: { type: 'string' },
    scenarios: { type: 'string' },
    workers: { type: 'string', default: '2' },
    out: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  console.log(
    'usage: node dist/benchmarks/run.js [--quick] [--rounds N] [--only ids] [--scenarios ids] [--workers N] [--out name]',
  );
  console.log(`contenders: ${Object.keys(REGISTRY).join(', ')}\nscenarios: ${ALL.map((s) => s.id).join(', ')}`);
  process.exit(0);
}
const quick = args.quick;
const rounds = Number(args.rounds ?? (quick ? 3 : 5));
const workers = Number(args.workers);
const only = args.only
  ?.split(',')
  .map((s) => s.trim())
  .filter(Boolean);
const wanted = args.scenarios?.split(',').map((s) => s.trim());
const scenarios = wanted ? ALL.filter((s) => wanted.includes(s.id)) : ALL;
const outName = args.out ?? (quick || only || wanted ? 'partial' : 'latest');
if (!(rounds >= 1) || !(workers >= 1) || scenarios.length === 0)
  throw new Error('bad --rounds, --workers or --scenarios');

const selected = (id: string, base?: string): boolean =>
  !only || only.some((o) => id === o || id.startsWith(o + '-') || base === o || (base ?? '').startsWith(o + '-'));

// Load each contender once; a failing load (library not built, python3 absent) becomes an error row.
const loaded = new Map<string, Promise<Contender | Error>>();
function contender(s: Scenario, id: string): Promise<Contender | Error> {
  const own = s.own?.find((c) => c.id === id);
  if (own) return Promise.resolve(own);
  const entry = REGISTRY[id];
  if (!entry) return Promise.resolve(new Error(`unknown contender ${id}`));
  if (!loaded.has(id))
    loaded.set(
      id,
      entry.load().catch((e: unknown) => (e instanceof Error ? e : new Error(String(e)))),
    );
  return loaded.get(id)!;
}

const fmtSample = (s: Scenario, x: Sample): string =>
  s.metric === 'throughput'
    ? `${fmtNum(x.value)} ms, ${fmtNum(x.items / (x.value / 1000))} tasks/s`
    : s.metric === 'latency'
      ? `${fmtNum(x.value)} ms`
      : `${fmtNum(x.value)} MB`;

async function main(): Promise<void> {
  const ctx: Ctx = { quick, workers, spin5ms: calibrateSpin(5), spin2us: calibrateSpin(0.002) };
  const plan = scenarios.map((s) => ({
    s,
    ids: s.contenders.filter((id) => selected(id, s.own?.find((c) => c.id === id)?.base)),
    rounds: s.metric === 'memory' ? Math.min(rounds, 3) : rounds,
  }));
  const bar = progress(plan.reduce((n, p) => n + p.ids.length * p.rounds, 0));
  bar.log(`spin: ${ctx.spin5ms} iterations ≈ 5 ms, ${ctx.spin2us} ≈ 2 µs; ${workers} workers, ${rounds} rounds`);
  const results: ScenarioResult[] = [];
  let pythonNote = 'Python: not run';
  for (const { s, ids, rounds: n } of plan) {
    if (ids.length === 0) continue;
    await s.prepare(ctx);
    const rows = new Map<string, Summary>();
    const cs = new Map<string, Contender>();
    for (const id of ids) {
      const c = await contender(s, id);
      if (c instanceof Error)
        rows.set(id, {
          contender: placeholder(id),
          samples: [],
          items: 0,
          median: NaN,
          min: NaN,
          max: NaN,
          error: c.message,
        });
      else {
        cs.set(id, c);
        rows.set(id, { contender: c, samples: [], items: 0, median: NaN, min: NaN, max: NaN });
        if (id === 'python') pythonNote = c.label.replace(/ ProcessPool.*/, '');
      }
    }
    for (let round = 1; round <= n; round++) {
      for (const id of ids) {
        const row = rows.get(id)!;
        const c = cs.get(id);
        const label = `${s.id} ${id} #${round}`;
        if (!c || row.error) {
          bar.step(label, `skipped (${row.error ?? 'not loaded'})`);
          continue;
        }
        try {
          const x = await withTimeout(s.runOnce(c, ctx), 900_000, label);
          row.samples.push(x);
          bar.step(label, fmtSample(s, x));
        } catch (e) {
          row.error = e instanceof Error ? e.message : String(e);
          bar.step(label, `FAILED: ${row.error}`);
        }
      }
    }
    for (const row of rows.values()) {
      if (row.samples.length === 0) {
        row.error ??= 'no samples';
        continue;
      }
      const v = row.samples.map((x) => x.value);
      row.items = row.samples[0]!.items;
      row.median = median(v);
      row.min = Math.min(...v);
      row.max = Math.max(...v);
      const tot = row.samples.filter((x) => x.startMs !== undefined && x.closeMs !== undefined);
      if (s.metric === 'throughput' && tot.length)
        row.totalMedian = median(tot.map((x) => x.startMs! + x.value + x.closeMs!));
      if (row.error) [row.warning, row.error] = [row.error, undefined]; // keep the earlier rounds
    }
    results.push({ scenario: s, rows: [...rows.values()] });
  }
  bar.stop();
  const mc = machine();
  const command = `node dist/benchmarks/run.js ${process.argv.slice(2).join(' ')}`.trim();
  const md = markdown(
    results,
    mc,
    { command, rounds, workers, quick, spin5ms: ctx.spin5ms, spin2us: ctx.spin2us, only },
    pythonNote,
  );
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(path.join(resultsDir, `${outName}.md`), md);
  writeFileSync(path.join(resultsDir, `${outName}.svg`), svg(results, mc));
  console.log(md);
  console.log(`\nwrote ${path.join(resultsDir, outName)}.md and .svg`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);

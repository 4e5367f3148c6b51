/**
 * `npm run bench:browser`: rxjs-futures on web workers in headless Chromium (Debian's
 * chromium through playwright-core, the browser specs' harness), on a cross-origin-isolated
 * page (chunk states in a SharedArrayBuffer) and a plain one (claimed by message). Writes
 * benchmarks/results/browser.md.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { withBrowser } from '../../spec/browser/harness.js';
import { machine } from '../harness/machine.js';
import { resultsDir } from '../harness/paths.js';

interface Result {
  crossOriginIsolated: boolean;
  taskMs: number;
  tasks: number;
  serialMs: number;
  poolMs: number;
  speedup: number;
  rawMs: number;
  rawSpeedup: number;
  perChunkUs: number;
}

const src = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../../benchmarks/browser');
const browser = await withBrowser();
const rows: Result[] = [];
try {
  for (const mode of ['isolated', 'plain'] as const) {
    rows.push(
      await browser.run<Result>({
        entry: path.join(src, 'page.ts'),
        mode,
        files: { 'tasks.js': readFileSync(path.join(src, 'tasks.js'), 'utf8') },
        timeoutMs: 300_000,
      }),
    );
  }
} finally {
  await browser.close();
}
const m = machine();
const f = (x: number, d = 0) => x.toFixed(d);
const md = `# rxjs-futures in the browser

- Machine: ${m.cpu} × ${m.cores}, ${m.memGB} GB, ${m.os}; Node ${m.node}; load ${m.load}; headless Chromium (Debian's \`chromium\`), \`maxWorkers: 2\`
- Date: ${new Date().toISOString()}; command: \`npm run bench:browser\`; medians of 5 interleaved rounds

| page | CPU-bound: ${rows[0]!.tasks} tasks, serial | parallelMap, 2 web workers | speedup | raw: 2 bare web workers | raw speedup | trivial tasks, chunksize 1: µs per chunk |
|---|--:|--:|--:|--:|--:|--:|
${rows.map((r) => `| ${r.crossOriginIsolated ? 'cross-origin isolated (SharedArrayBuffer states)' : 'not isolated (states by message)'} | ${f(r.serialMs)} ms | ${f(r.poolMs)} ms | ${f(r.speedup, 2)}× | ${f(r.rawMs)} ms | ${f(r.rawSpeedup, 2)}× | ${f(r.perChunkUs)} µs |`).join('\n')}

Per chunk is the wall time of 2,000 one-item chunks divided by 2,000 (ordered parallelMap, default window): what a
chunk costs when its task costs nothing. Without isolation each chunk also waits for its claim's round trip.
`;
writeFileSync(path.join(resultsDir, 'browser.md'), md);
console.log(md);

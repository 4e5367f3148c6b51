/**
 * Issue 4: the CI-sized soak (50,000 tasks through parallelMap) in a child process with
 * --expose-gc. The full run is `node --expose-gc dist/spec/soak/soak.js` (1,000,000 tasks).
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { SoakReport } from './soak.js';

const ITEMS = 50_000;
/**
 * Heap used after the run (forced GC) may exceed heap used before it by at most this much:
 * ~10 bytes per task of the run. Measurement noise here is ~0.1 MB; anything that keeps a
 * trace of every task (a chunk, an args array, a closure) is far above it.
 */
const MARGIN = 512 * 1024;

describe('soak: 50,000 tasks through parallelMap leave the heap as they found it', function () {
  this.timeout(60_000);

  it(`heap used after ${ITEMS} tasks is within ${MARGIN / 1024} KB of before`, async function () {
    const script = fileURLToPath(new URL('./soak.js', import.meta.url));
    const r = await new Promise<{ code: number | null; out: string; err: string }>((resolve, reject) => {
      const child = spawn(process.execPath, ['--expose-gc', script, '--items', String(ITEMS), '--json'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (err += d));
      const t = setTimeout(() => child.kill('SIGKILL'), 50_000);
      child.on('error', reject);
      child.on('exit', (code) => {
        clearTimeout(t);
        resolve({ code, out, err });
      });
    });
    expect(r.code, r.err).to.equal(0);
    const line = r.out.trim().split('\n').pop()!;
    const report = JSON.parse(line) as SoakReport;
    const kb = (b: number) => `${(b / 1024).toFixed(0)} KB`;
    console.log(
      `      heap used before ${kb(report.heapBefore)}, after ${kb(report.heapAfter)} ` +
        `(delta ${kb(report.heapDelta)}), peak ${kb(report.heapPeak)}; ${report.ms} ms`,
    );
    expect(report.sum).to.equal(report.expectedSum);
    expect(report.stats).to.include({ failed: 0, cancelled: 0, queued: 0, running: 0 });
    expect(report.heapDelta, `heap grew by ${kb(report.heapDelta)} over ${ITEMS} tasks`).to.be.below(MARGIN);
  });
});

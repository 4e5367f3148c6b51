/**
 * The seed's own system: Python's `concurrent.futures.ProcessPoolExecutor(workers).map`
 * run in a `python3` subprocess (benchmarks/python/futures_bench.py), which times itself:
 * pool start (to the first warm-up results), the map, and the shutdown. Interpreter
 * start-up is excluded. Skipped with a note where `python3` is absent.
 */
import { spawn, spawnSync } from 'node:child_process';
import { pythonScript } from '../harness/paths.js';
import type { Contender, Sample } from '../harness/types.js';

export const PYTHON = process.env['PYTHON'] ?? 'python3';

/** The version string of python3, or undefined when it cannot be run. */
export function pythonVersion(): string | undefined {
  const r = spawnSync(PYTHON, ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? (r.stdout || r.stderr).trim() : undefined;
}

function runPython(mode: string, items: number, workers: number): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [pythonScript, mode, String(items), String(workers)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`python3 exited ${code}: ${err.trim().split('\n').pop()}`));
      const t = JSON.parse(out) as { startMs: number; workMs: number; closeMs: number };
      resolve({ items, value: mode === 'cold' ? t.startMs : t.workMs, startMs: t.startMs, closeMs: t.closeMs });
    });
  });
}

export const python: Contender = {
  id: 'python',
  label: 'Python ProcessPoolExecutor.map',
  family: 'baseline',
  external: (scenario, items, workers) => runPython(scenario, items, workers),
};

/**
 * Where the benchmark's source-side files live, found by walking up to the package root,
 * so that the compiled harness (dist/benchmarks) writes results into the SOURCE folder
 * benchmarks/results/ and finds benchmarks/python/ (works under tsx as well).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('package.json not found above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
  return dir;
}

export const repoRoot = findRoot();
export const benchSourceDir = path.join(repoRoot, 'benchmarks');
export const resultsDir = path.join(benchSourceDir, 'results');
export const pythonScript = path.join(benchSourceDir, 'python', 'futures_bench.py');

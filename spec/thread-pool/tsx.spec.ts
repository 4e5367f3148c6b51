/**
 * Under tsx: a TypeScript task module runs in the workers, and an inline task whose inner
 * function esbuild wraps in `__name(...)` still runs (the worker provides the helper).
 */
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runNode } from '../helpers/child-process.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const LIBRARY = new URL('../../lib/index.js', import.meta.url).href;
const TSX_CLI = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');

describe('ThreadPoolExecutor with a host running under tsx', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    mkdirSync(join(ROOT, '.tmp'), { recursive: true });
    dir = mkdtempSync(join(ROOT, '.tmp', 'tsx-')); // inside the project, so tsx resolves
    writeFileSync(
      join(dir, 'tasks.ts'),
      `import { cpus } from 'node:os';
interface Rect { w: number; h: number }
export function area(r: Rect): number {
  return r.w * r.h + (cpus().length > 0 ? 0 : 1);
}
`,
    );
    writeFileSync(
      join(dir, 'host.ts'),
      `import { ThreadPoolExecutor, task } from ${JSON.stringify(LIBRARY)};
import type * as Tasks from './tasks.ts';
const ex = new ThreadPoolExecutor({ maxWorkers: 1 });
const area = task<typeof Tasks.area>(new URL('./tasks.ts', import.meta.url), 'area');
console.log('AREA', await ex.submit(area, { w: 3, h: 4 }));
const squared = await ex.submit((n: number) => {
  function sq(k: number): number {
    return k * k;
  }
  class Box { constructor(readonly v: number) {} }
  return new Box(sq(n)).v;
}, 7);
console.log('INNER', squared);
`,
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('runs a .ts task module and inline tasks with inner named functions and classes', async () => {
    const r = await runNode([TSX_CLI, join(dir, 'host.ts')], 30_000);
    expect(r.timedOut, r.stderr).to.equal(false);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.include('AREA 12');
    expect(r.stdout).to.include('INNER 49');
  });
});

/**
 * examples/browser runs in headless Chromium, as `npm run example:browser` serves it: under
 * the strict CSP (its task is a module task) and on a cross-origin-isolated page. Set
 * RF_SCREENSHOT=1 to rewrite examples/browser/screenshot.png from the isolated run.
 */
import { expect } from 'chai';
import { readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, useBrowser } from '../browser/harness.js';

describe('examples/browser in headless Chromium', function () {
  this.timeout(120_000);
  const browser = useBrowser();
  const dir = join(repoRoot(), 'examples', 'browser');

  for (const mode of ['csp', 'isolated'] as const) {
    it(`draws all 400 rows through parallelMap on a ${mode} page`, async () => {
      const screenshot =
        mode === 'isolated' && process.env.RF_SCREENSHOT
          ? join(dir, 'screenshot.png')
          : join(tmpdir(), `rf-example-${mode}.png`);
      const result = await browser.run<{ rows: number; ms: number; workers: number }>({
        entry: join(dir, 'main.ts'),
        mode,
        files: { 'mandelbrot.js': readFileSync(join(dir, 'mandelbrot.js'), 'utf8') },
        screenshot,
        viewport: { width: 680, height: 520 },
      });
      expect(result.rows).to.equal(400);
      expect(result.workers).to.be.at.least(1);
      expect(statSync(screenshot).size).to.be.above(10_000); // a drawn canvas, not a blank page
    });
  }
});

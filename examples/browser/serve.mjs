/**
 * `npm run example:browser`: bundles examples/browser/main.ts with esbuild (the `browser`
 * condition picks rxjs-futures' web-worker platform) and serves the page on 127.0.0.1,
 * cross-origin isolated (pass --plain to see the message-based mode). Ctrl-C stops it.
 */
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';

const here = (f) => fileURLToPath(new URL(f, import.meta.url));
const bundle = await build({
  entryPoints: [here('./main.ts')],
  bundle: true,
  write: false,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  conditions: ['browser'],
});
const files = {
  '/': ['text/html', readFileSync(here('./index.html'))],
  '/main.js': ['text/javascript', bundle.outputFiles[0].contents],
  '/mandelbrot.js': ['text/javascript', readFileSync(here('./mandelbrot.js'))],
};
const isolated = !process.argv.includes('--plain');
const server = createServer((req, res) => {
  const file = files[new URL(req.url ?? '/', 'http://x').pathname];
  if (!file) return void res.writeHead(404).end();
  res.writeHead(200, {
    'Content-Type': file[0],
    'Content-Security-Policy': "script-src 'self'; worker-src blob: 'self'",
    ...(isolated
      ? { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' }
      : {}),
  });
  res.end(file[1]);
});
server.listen(Number(process.env.PORT ?? 8080), '127.0.0.1', () => {
  console.log(
    `examples/browser: http://127.0.0.1:${server.address().port}/ (${isolated ? 'cross-origin isolated' : 'plain'})`,
  );
});

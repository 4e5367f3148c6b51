/**
 * rxjs-futures in a browser tab: the Mandelbrot set, one row per task, computed on web
 * workers by `parallelMap` and drawn in order as the rows arrive, with a progress bar
 * driven by `executor.stats$`. `npm run example:browser` builds it with esbuild and serves
 * it; the page makes its own elements, so any HTML page that loads the bundle works.
 */
import { map, range } from 'rxjs';
import { parallelMap, task, ThreadPoolExecutor } from 'rxjs-futures';

const WIDTH = 640;
const HEIGHT = 400;
const MAX_ITER = 3000;

interface Row {
  y: number;
  width: number;
  height: number;
  maxIter: number;
}

// The few DOM pieces used here, typed locally (this repository compiles without the DOM lib).
interface El {
  style: Record<string, string>;
  textContent: string;
  [key: string]: unknown;
}
const web = globalThis as unknown as {
  document: { body: El & { append(...n: El[]): void }; createElement(tag: string): El };
  ImageData: new (data: Uint8ClampedArray, width: number, height: number) => unknown;
  __done?: (result: unknown) => void;
};

function element(tag: string, props: Record<string, unknown>, style: Record<string, string> = {}): El {
  const el = web.document.createElement(tag);
  Object.assign(el, props);
  Object.assign(el.style, style);
  return el;
}

const title = element('h1', { textContent: 'rxjs-futures · parallelMap on web workers' }, { fontSize: '18px' });
const canvas = element('canvas', { width: WIDTH, height: HEIGHT }, { display: 'block', background: '#000' });
const bar = element('progress', { max: HEIGHT, value: 0 }, { width: `${WIDTH}px`, height: '18px' });
const status = element('div', { textContent: 'starting…' }, { margin: '6px 0' });
Object.assign(web.document.body.style, { font: '14px system-ui, sans-serif', margin: '16px' });
web.document.body.append(title, canvas, bar, status);
const draw = (canvas.getContext as (kind: string) => { putImageData(img: unknown, x: number, y: number): void }).call(
  canvas,
  '2d',
);

// A module task by URL: it runs under a strict CSP too. Its module is served next to this one.
const mandelbrotRow = task<(row: Row) => Uint8ClampedArray>(new URL('./mandelbrot.js', import.meta.url), 'row');
const executor = new ThreadPoolExecutor(); // navigator.hardwareConcurrency workers

const t0 = performance.now();
const progress = executor.stats$.subscribe((s) => {
  bar.value = s.completed;
  status.textContent = `${s.completed} / ${HEIGHT} rows · ${s.running} running on ${s.workers} workers · ${s.queued} queued`;
});

let y = 0;
range(0, HEIGHT)
  .pipe(
    map((row): Row => ({ y: row, width: WIDTH, height: HEIGHT, maxIter: MAX_ITER })),
    parallelMap(mandelbrotRow, { executor }), // in input order, as map() would give
  )
  .subscribe({
    next: (pixels) => draw.putImageData(new web.ImageData(pixels, WIDTH, 1), 0, y++),
    complete: () => {
      const ms = Math.round(performance.now() - t0);
      progress.unsubscribe();
      bar.value = HEIGHT;
      status.textContent = `${HEIGHT} rows in ${ms} ms on ${executor.parallelism} workers`;
      void executor.shutdown().then(() => web.__done?.({ rows: y, ms, workers: executor.parallelism }));
    },
    error: (err: unknown) => (status.textContent = `failed: ${String(err)}`),
  });

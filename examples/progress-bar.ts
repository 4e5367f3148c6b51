/**
 * A terminal progress bar driven by `executor.stats$` while 10,000 tasks are mapped.
 * The bar is drawn with cli-progress (https://www.npmjs.com/package/cli-progress); when
 * stdout is not a terminal (CI, a pipe), plain lines are printed at every 10 % instead.
 *
 *   npx tsx examples/progress-bar.ts
 */
import cliProgress from 'cli-progress';
import { auditTime, lastValueFrom, reduce } from 'rxjs';
import { ThreadPoolExecutor, type ExecutorStats } from 'rxjs-futures';

const TOTAL = 10_000;

/** A small piece of CPU work. */
function work(n: number): number {
  let s = 0;
  for (let i = 0; i < 20_000; i++) s += Math.sqrt(i + n);
  return s;
}

await using executor = new ThreadPoolExecutor();

let show: (s: ExecutorStats) => void;
let finish: () => void;
if (process.stdout.isTTY) {
  const bar = new cliProgress.SingleBar(
    { format: 'mapping [{bar}] {percentage}% | {value}/{total} | running {running}, queued {queued}' },
    cliProgress.Presets.shades_classic,
  );
  bar.start(TOTAL, 0, { running: 0, queued: 0 });
  show = (s) => bar.update(s.completed + s.failed, { running: s.running, queued: s.queued });
  finish = () => bar.stop();
} else {
  let nextTenth = 1;
  show = (s) => {
    const done = s.completed + s.failed;
    if (done < (nextTenth * TOTAL) / 10) return;
    while (done >= (nextTenth * TOTAL) / 10) nextTenth++;
    console.log(`progress: ${done}/${TOTAL} (${Math.floor((100 * done) / TOTAL)}%)`);
  };
  finish = () => {};
}

// stats$ replays the current stats and emits on every change; 20 updates a second are plenty.
const progress = executor.stats$.pipe(auditTime(50)).subscribe((s) => show(s));

const inputs = Array.from({ length: TOTAL }, (_, i) => i);
const sum = await lastValueFrom(executor.map(work, inputs).pipe(reduce((acc, x) => acc + x, 0)));

progress.unsubscribe();
show(executor.stats());
finish();
const { completed, failed } = executor.stats();
console.log(`mapped ${TOTAL} tasks: completed ${completed}, failed ${failed}, checksum ${sum.toFixed(0)}`);

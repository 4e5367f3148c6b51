/**
 * Cancellation is unsubscription. Two tasks busy-loop for 10 s on a 2-worker executor;
 * takeUntil ends the subscription after 300 ms, which cancels the queued tasks and
 * terminates (and replaces) the workers running the busy ones, so the executor is free
 * again almost at once instead of after 10 s.
 *
 *   npx tsx examples/cancel-with-take-until.ts
 */
import { of, takeUntil, timer } from 'rxjs';
import { parallelMap, ThreadPoolExecutor } from 'rxjs-futures';

/** Burns CPU for `ms` milliseconds. */
function busyLoop(ms: number): number {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    // spin
  }
  return ms;
}

await using executor = new ThreadPoolExecutor({ maxWorkers: 2 });
const started = Date.now();

await new Promise<void>((resolve) => {
  of(10_000, 10_000, 10_000, 10_000)
    .pipe(parallelMap(busyLoop, { executor }), takeUntil(timer(300)))
    .subscribe({
      next: (v) => console.log('unexpected value', v),
      complete: () => {
        console.log(`takeUntil fired after ${Date.now() - started} ms: the 4 tasks are cancelled`);
        resolve();
      },
    });
});

const asked = Date.now();
const answer = await executor.submit((a: number, b: number) => a + b, 40, 2);
console.log(`a new task answered ${answer} ${Date.now() - asked} ms later (not after 10 s)`);
const { running, queued, cancelled } = executor.stats();
console.log(`stats: running ${running}, queued ${queued}, cancelled ${cancelled}`);

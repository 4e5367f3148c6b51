/**
 * The contract page: rxjs-futures as a browser app gets it (the packed package, bundled
 * with the `browser` condition). Tasks that must work under a strict CSP are module
 * tasks served at /tasks.js (which imports /helper.js); inline ones are tried too and
 * report how they fail. Everything observed is reported for the spec to judge.
 */
import { from, lastValueFrom, map, of, range, take, takeUntil, timer, toArray } from 'rxjs';
import {
  CancelledError,
  fromTask,
  fromTaskStream,
  InlineExecutor,
  TaskError,
  ThreadPoolExecutor,
  WorkerCrashedError,
  parallelMap,
  task,
} from 'rxjs-futures';
import { page, report } from './dom.js';

interface Failure {
  name: string;
  message: string;
  instanceOf: Record<string, boolean>;
  code?: unknown;
  exitCode?: unknown;
  value?: unknown;
}

async function failureOf(p: PromiseLike<unknown>): Promise<Failure | { resolved: unknown }> {
  try {
    return { resolved: await p };
  } catch (e) {
    const err = e as Error & { code?: unknown; exitCode?: unknown; value?: unknown };
    return {
      name: err.name,
      message: err.message,
      code: err.code,
      exitCode: err.exitCode,
      value: err.value,
      instanceOf: {
        TypeError: err instanceof TypeError,
        TaskError: err instanceof TaskError,
        CancelledError: err instanceof CancelledError,
        WorkerCrashedError: err instanceof WorkerCrashedError,
      },
    };
  }
}

report(async () => {
  const url = (name: string) => new URL(`/${name}`, page.location.href);
  const square = task<(n: number) => number>(url('tasks.js'), 'square');
  const spin = task<(ms: number) => number>(url('tasks.js'), 'spin');
  const fib = task<(n: number) => number>(url('tasks.js'), 'fib');
  const fail = task<(kind: string) => never>(url('tasks.js'), 'fail');
  const crash = task<() => Promise<never>>(url('tasks.js'), 'crashLater');
  const closeSelf = task<() => Promise<never>>(url('tasks.js'), 'closeSelf');

  const ex = new ThreadPoolExecutor({ maxWorkers: 2 });
  const out: Record<string, unknown> = { crossOriginIsolated: page.crossOriginIsolated };
  out.parallelism = ex.parallelism;

  const items = Array.from({ length: 300 }, (_, i) => i);
  const expected = await lastValueFrom(
    from(items).pipe(
      map((n) => n * n + 1),
      toArray(),
    ),
  );
  out.mapEqual =
    JSON.stringify(await lastValueFrom(from(items).pipe(parallelMap(square, { executor: ex }), toArray()))) ===
    JSON.stringify(expected);
  out.unorderedSorted = (
    await lastValueFrom(range(0, 300).pipe(parallelMap(square, { executor: ex, ordered: false }), toArray()))
  )
    .sort((a, b) => a - b)
    .every((v, i) => v === expected[i]);

  // Four busy tasks, cancelled by takeUntil while they run; then a new task must be served.
  await lastValueFrom(
    of(20_000, 20_000, 20_000, 20_000).pipe(
      parallelMap(spin, { executor: ex, chunksize: 1 }),
      takeUntil(timer(400)),
      toArray(),
    ),
  );
  const t0 = performance.now();
  out.afterCancel = await ex.submit(square, 7);
  out.afterCancelMs = performance.now() - t0;
  out.cancelledCount = ex.stats().cancelled;

  out.fib20 = await ex.submit(fib, 20); // fib uses /helper.js, an import of its own
  out.typeError = await failureOf(ex.submit(fail, 'type'));
  out.nonError = await failureOf(ex.submit(fail, 'value'));
  const queued = [ex.submit(spin, 300), ex.submit(spin, 300), ex.submit(square, 3)];
  out.cancelQueued = queued[2]!.cancel();
  out.cancelledFuture = await failureOf(queued[2]!);
  await Promise.all(queued.slice(0, 2));
  out.crash = await failureOf(ex.submit(crash));
  out.afterCrash = await ex.submit(square, 4);
  out.selfClose = await failureOf(ex.submit(closeSelf));
  out.afterSelfClose = await ex.submit(square, 5);
  out.inline = await failureOf(ex.submit((a: number, b: number) => a * b, 6, 7));
  out.resourceLimits = await failureOf(
    Promise.resolve().then(() => new ThreadPoolExecutor({ resourceLimits: { maxOldGenerationSizeMb: 64 } } as never)),
  );
  out.relativeTask = await failureOf(Promise.resolve().then(() => task('./tasks.js', 'square')));
  // Streaming and cooperative stops, from a bundled task module that imports rxjs-futures/worker.
  const coop = (name: string) => task(url('coop-tasks.js'), name);
  const one = new ThreadPoolExecutor({ maxWorkers: 1 });
  out.streamed = await lastValueFrom(fromTaskStream(one, coop('countTo') as never, 5).pipe(toArray()));
  out.firstThree = await lastValueFrom(fromTaskStream(one, coop('naturals') as never).pipe(take(3), toArray()));
  out.runsBefore = await one.submit(coop('runsHere') as never);
  const running = fromTask(one, coop('untilAborted') as never).subscribe({ error: () => {} });
  while (one.stats().running < 1) await new Promise((r) => setTimeout(r, 5));
  await new Promise((r) => setTimeout(r, 50));
  running.unsubscribe();
  out.runsAfter = await one.submit(coop('runsHere') as never); // the same worker: its module kept counting
  await one.shutdown();
  const inline = new InlineExecutor();
  out.inlineExecutor = await inline.submit((n: number) => n + 1, 41);
  await inline.shutdown();
  await ex.shutdown();
  out.shutdown = true;
  out.workersAfterShutdown = ex.stats().workers;
  return out;
});

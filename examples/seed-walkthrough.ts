/**
 * The classic `concurrent.futures` notebook, re-told with rxjs-futures.
 *
 *   npx tsx examples/seed-walkthrough.ts
 *
 * The notebook's f2 sleeps a random 1–3 s. To keep the walkthrough (and the test that
 * runs it) quick, f2 sleeps 0.1–0.3 s here; set SLEEP_SCALE=1 for the notebook's timing.
 * (Workers get a copy of the parent's environment, so f2 can read process.env.)
 */
import { lastValueFrom, toArray } from 'rxjs';
import { asCompleted, ThreadPoolExecutor, type Future } from 'rxjs-futures';

// ---- Functions that the workers will execute --------------------------------------
// Like a function Python can pickle, a task is shipped to the worker by its source
// text: it may use its arguments and globals, never variables of the enclosing scope.

function f1(a: number): number {
  return a;
}

async function f2(a: number, b: number): Promise<number> {
  const scale = Number(process.env.SLEEP_SCALE ?? '0.1'); // 1 → the notebook's 1–3 s
  const seconds = (1 + Math.random() * 2) * scale;
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  return a + b;
}

// ---- submit, running(), done(), result() ------------------------------------------
// `await using` shuts the executor down (waiting for its work) at the end of the block,
// as Python's `with ProcessPoolExecutor(max_workers=4) as pool:` does.
{
  await using pool = new ThreadPoolExecutor({ maxWorkers: 4 });
  const a = pool.submit(f2, 1, 1);
  const b = pool.submit(f2, 1, 2);
  const c = pool.submit(f1, 10);

  // Workers start lazily, at first use: right after submit they are still booting,
  // so nothing is running yet (Python's pool, already up, shows "a running: True").
  console.log('a running:', a.running());
  console.log('a done:', a.done());
  console.log('b running:', b.running());
  console.log('b done:', b.done());
  console.log('c running:', c.running());
  console.log('c done:', c.done());

  console.log('a result', await a.result());
  console.log('b result', await b.result());
  console.log('c result', await c.result());
}

// ---- Cancelling jobs and adding callbacks -----------------------------------------
{
  const njobs = 24;
  const res: Future<number>[] = [];

  await using pool = new ThreadPoolExecutor({ maxWorkers: 4 });
  for (let i = 0; i < njobs; i++) {
    res.push(pool.submit(f2, Math.random(), Math.random()));
    if (i % 2 === 0) res[i]!.addDoneCallback(() => console.log('Process done!'));
  }
  // Task 4 is still queued behind tasks 0–3, so it can be cancelled: it will never run.
  // (A cancelled future is done, so its done-callback runs at once.)
  res[4]!.cancel();
  if (res[4]!.cancelled()) console.log('Process 4 cancelled');

  // Instead of polling `while x.running(): sleep(1)`, take the futures as they finish.
  await asCompleted(res).forEach((future) => {
    const i = res.indexOf(future);
    if (future.cancelled()) return;
    // A done future replays its outcome synchronously to a new subscriber.
    future.subscribe((value) => console.log(`task ${i}: ${value.toFixed(6)}`));
  });
}

// ---- map with a function of several arguments -------------------------------------
// The notebook needed a trick, `def f2_(args): return f2(*args)`, to map a two-argument
// function over pairs. `starmap` spreads each item into the arguments.
{
  await using pool = new ThreadPoolExecutor({ maxWorkers: 4 });
  const xs = Array.from({ length: 24 }, () => 1);
  const pairs: [number, number][] = [];
  for (let i = 0; i < xs.length; i += 2) pairs.push([xs[i]!, xs[i + 1]!]);

  const sums = await lastValueFrom(pool.starmap(f2, pairs).pipe(toArray()));
  console.log(JSON.stringify(sums)); // [2,2,2,2,2,2,2,2,2,2,2,2]
}

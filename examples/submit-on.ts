/**
 * submitOn emits a Future for each value as soon as it is submitted. Flatten the
 * futures with mergeAll() to get results in completion order, or with concatAll() to get
 * them in input order (that is what parallelMap does for you).
 *
 *   npx tsx examples/submit-on.ts
 */
import { concatAll, from, lastValueFrom, mergeAll, toArray } from 'rxjs';
import { submitOn, ThreadPoolExecutor } from 'rxjs-futures';

/** Sleeps `ms` then returns it: a stand-in for I/O of varying length. */
async function sleepFor(ms: number): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, ms));
  return ms;
}

await using executor = new ThreadPoolExecutor({ maxWorkers: 3 });
const delays = [900, 100, 500];

const byCompletion = await lastValueFrom(from(delays).pipe(submitOn(executor, sleepFor), mergeAll(), toArray()));
console.log('mergeAll (completion order):', byCompletion.join(', '));

const byInput = await lastValueFrom(from(delays).pipe(submitOn(executor, sleepFor), concatAll(), toArray()));
console.log('concatAll (input order):', byInput.join(', '));

// Each emission is a real Future: you can inspect it, add callbacks, or cancel it.
from(delays)
  .pipe(submitOn(executor, sleepFor))
  .subscribe((future) => future.addDoneCallback((f) => f.subscribe((ms) => console.log(`future done after ${ms} ms`))));

/**
 * parallelMap inside an ordinary RxJS pipeline: the CPU-heavy step runs on worker
 * threads, the rest of the pipeline is plain RxJS, and the output order is the input
 * order, exactly as with map().
 *
 *   npx tsx examples/pipeline.ts
 */
import { filter, lastValueFrom, map, range, reduce, tap } from 'rxjs';
import { parallelMap, ThreadPoolExecutor } from 'rxjs-futures';

/** Counts the primes below `limit` with a sieve: runs in a worker, so self-contained. */
function countPrimes(limit: number): { limit: number; primes: number } {
  const composite = new Uint8Array(limit);
  let primes = 0;
  for (let i = 2; i < limit; i++) {
    if (composite[i]) continue;
    primes++;
    for (let j = i * i; j < limit; j += i) composite[j] = 1;
  }
  return { limit, primes };
}

await using executor = new ThreadPoolExecutor({ maxWorkers: 4 });

const total = await lastValueFrom(
  range(1, 12).pipe(
    filter((i) => i % 3 !== 0), //                          plain RxJS, on this thread
    map((i) => i * 100_000),
    parallelMap(countPrimes, { executor }), //             on the worker threads
    tap(({ limit, primes }) => console.log(`primes below ${limit}: ${primes}`)),
    reduce((sum, { primes }) => sum + primes, 0),
  ),
);
console.log(`total: ${total}`);

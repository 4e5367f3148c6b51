/**
 * rxjs-futures contenders, written against API.md only:
 * - `rf-pmap-1`: `from(items).pipe(parallelMap(fn, { executor, chunksize: 1 }))`
 * - `rf-pmap-auto`: the same with the default chunking (`'auto'`)
 * - `rf-submit`: every item `executor.submit(fn, x)` at once, then all awaited
 * on a ThreadPoolExecutor; `rfp-*` are the same three on a ProcessPoolExecutor.
 * Task functions are the shared ones of `../tasks.ts`, shipped by source. Module tasks
 * (`mapModule`) go through `task(file, name)`; there `rf-pmap-auto` passes the DEFAULT
 * options (`{ executor }` only). The library is imported lazily so that peer-only runs
 * work before it is built.
 */
import { from, lastValueFrom, toArray } from 'rxjs';
import { TASKS, inc, busyFor, type TaskName } from '../tasks.js';
import { sleep, now, withTimeout } from '../harness/stats.js';
import type { Contender, ModuleTask, PoolHandle } from '../harness/types.js';

type Lib = typeof import('../../lib/index.js');
let lib: Promise<Lib> | undefined;
const load = (): Promise<Lib> => (lib ??= import('../../lib/index.js'));

type Mode = 'pmap-1' | 'pmap-auto' | 'submit';

async function open(mode: Mode, workers: number, processes: boolean): Promise<PoolHandle> {
  const { ProcessPoolExecutor, ThreadPoolExecutor, parallelMap, task: taskRef } = await load();
  const Pool = processes ? ProcessPoolExecutor : ThreadPoolExecutor;
  const executor = new Pool({ maxWorkers: workers });
  const chunksize = mode === 'pmap-1' ? 1 : ('auto' as const);
  const refs = new Map<string, ReturnType<typeof taskRef<(x: unknown) => unknown>>>();
  return {
    map(task: TaskName, items: readonly number[]): Promise<number[]> {
      const fn: (x: number) => number = TASKS[task];
      if (mode === 'submit') return Promise.all(items.map((x) => executor.submit(fn, x)));
      return lastValueFrom(from(items).pipe(parallelMap(fn, { executor, chunksize }), toArray()));
    },
    mapModule(t: ModuleTask, items: readonly unknown[]): Promise<unknown[]> {
      const key = `${t.file.href}#${t.name}`;
      let fn = refs.get(key);
      if (!fn) refs.set(key, (fn = taskRef<(x: unknown) => unknown>(t.file, t.name)));
      if (mode === 'submit') return Promise.all(items.map((x) => executor.submit(fn, x)));
      const options = mode === 'pmap-1' ? { executor, chunksize } : { executor };
      return lastValueFrom(from(items).pipe(parallelMap(fn, options), toArray()));
    },
    async cancelLatency(busyMs: number): Promise<number> {
      const sub = from([busyMs, busyMs])
        .pipe(parallelMap(busyFor, { executor, chunksize: 1 }))
        .subscribe({ error: () => undefined });
      const until = now() + 5000;
      while (executor.stats().running < 2 && now() < until) await sleep(5);
      await sleep(50);
      const t0 = now();
      sub.unsubscribe();
      await withTimeout(Promise.resolve(executor.submit(inc, 1)), 30_000, 'trivial task after cancel');
      return now() - t0;
    },
    close: () => executor.shutdown(),
  };
}

const make = (mode: Mode, label: string, processes = false): Contender => ({
  id: `${processes ? 'rfp' : 'rf'}-${mode}`,
  label: processes ? `${label}, ProcessPoolExecutor` : label,
  family: 'rxjs-futures',
  open: (workers) => open(mode, workers, processes),
});

export const rxjsFutures: Contender[] = [
  make('pmap-1', 'rxjs-futures parallelMap (chunksize 1)'),
  make('pmap-auto', "rxjs-futures parallelMap (chunksize 'auto')"),
  make('submit', 'rxjs-futures executor.submit'),
  make('pmap-1', 'rxjs-futures parallelMap (chunksize 1)', true),
  make('pmap-auto', "rxjs-futures parallelMap (chunksize 'auto')", true),
  make('submit', 'rxjs-futures executor.submit', true),
];

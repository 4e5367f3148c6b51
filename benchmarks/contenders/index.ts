/**
 * The registry of contenders, loaded lazily: a contender's module (and its library) is
 * imported only when a selected scenario uses it, so `--only piscina,raw` never touches
 * rxjs-futures or threads.js, and a library that fails to load is reported, not fatal.
 */
import type { Contender, Family } from '../harness/types.js';

interface Entry {
  label: string;
  family: Family;
  load: () => Promise<Contender>;
}

const rf = (i: number) => async () => (await import('./rxjs-futures.js')).rxjsFutures[i]!;

export const REGISTRY: Record<string, Entry> = {
  'rf-pmap-1': { label: 'rxjs-futures parallelMap (chunksize 1)', family: 'rxjs-futures', load: rf(0) },
  'rf-pmap-auto': { label: "rxjs-futures parallelMap (chunksize 'auto')", family: 'rxjs-futures', load: rf(1) },
  'rf-submit': { label: 'rxjs-futures executor.submit', family: 'rxjs-futures', load: rf(2) },
  'rfp-pmap-1': { label: 'rxjs-futures parallelMap (chunksize 1), processes', family: 'rxjs-futures', load: rf(3) },
  'rfp-pmap-auto': { label: "rxjs-futures parallelMap ('auto'), processes", family: 'rxjs-futures', load: rf(4) },
  'rfp-submit': { label: 'rxjs-futures executor.submit, processes', family: 'rxjs-futures', load: rf(5) },
  piscina: { label: 'piscina 5', family: 'peer', load: async () => (await import('./piscina.js')).piscina },
  tinypool: { label: 'tinypool 2', family: 'peer', load: async () => (await import('./tinypool.js')).tinypool },
  workerpool: {
    label: 'workerpool 10',
    family: 'peer',
    load: async () => (await import('./workerpool.js')).workerpoolContender,
  },
  'workerpool-process': {
    label: "workerpool 10, workerType 'process'",
    family: 'peer',
    load: async () => (await import('./workerpool.js')).workerpoolProcess,
  },
  'threads-pool': {
    label: 'threads.js Pool',
    family: 'peer',
    load: async () => (await import('./threads-pool.js')).threadsPool,
  },
  'raw-1': {
    label: 'raw worker_threads, 1 item/msg',
    family: 'floor',
    load: async () => (await import('./raw.js')).raw1,
  },
  'raw-100': {
    label: 'raw worker_threads, 100 items/msg',
    family: 'floor',
    load: async () => (await import('./raw.js')).raw100,
  },
  'raw-queue': {
    label: 'raw worker_threads, shared queue, 1 item/msg',
    family: 'floor',
    load: async () => (await import('./raw-queue.js')).rawQueue,
  },
  serial: { label: 'serial (main thread)', family: 'baseline', load: async () => (await import('./serial.js')).serial },
  python: {
    label: 'Python ProcessPoolExecutor(2).map',
    family: 'baseline',
    load: async () => {
      const m = await import('./python.js');
      const v = m.pythonVersion();
      if (!v) throw new Error(`${m.PYTHON} not found: Python comparison skipped`);
      return { ...m.python, label: `Python ${v.replace(/^Python /, '')} ProcessPoolExecutor(2).map` };
    },
  },
};

/** A stand-in for a contender that failed to load, so the report can say why. */
export function placeholder(id: string): Contender {
  const e = REGISTRY[id];
  return { id, label: e?.label ?? id, family: e?.family ?? 'peer' };
}

/**
 * The acceptance ratios of the benchmark issues (5; 10: scheduling; 14: the process pool), computed from one run's results wherever both sides
 * were measured. Reporting only: nothing here changes how anything runs.
 */
import { fmtNum } from './stats.js';
import type { ScenarioResult, Summary } from './types.js';

export interface Check {
  check: string;
  measured: string;
  target: string;
  pass?: boolean;
}

const rate = (s: Summary): number => s.items / (s.median / 1000);

export function acceptance(results: ScenarioResult[]): Check[] {
  const get = (sc: string, id: string): Summary | undefined =>
    results.find((r) => r.scenario.id === sc)?.rows.find((s) => s.contender.id === id && !s.error);
  const out: Check[] = [];
  const ratio = (check: string, a: number, b: number, min: number | undefined): void => {
    const v = a / b;
    out.push({
      check,
      measured: `${fmtNum(v)}×`,
      target: min === undefined ? '—' : `≥ ${min}×`,
      pass: min === undefined ? undefined : v >= min,
    });
  };
  const p = get('overhead', 'piscina');
  const o1 = get('overhead', 'rf-pmap-1');
  const oa = get('overhead', 'rf-pmap-auto');
  const r100 = get('overhead', 'raw-100');
  const py = get('overhead', 'python');
  if (o1 && p) ratio('overhead: parallelMap chunksize 1 vs piscina (tasks/s)', rate(o1), rate(p), 1.5);
  if (oa && p) ratio("overhead: parallelMap 'auto' vs piscina (tasks/s)", rate(oa), rate(p), 30);
  if (oa && r100) ratio("overhead: parallelMap 'auto' vs raw 100 items/msg (tasks/s)", rate(oa), rate(r100), undefined);
  if (oa && py && oa.totalMedian && py.totalMedian)
    ratio(
      "overhead incl. start+shutdown: parallelMap 'auto' vs Python ProcessPoolExecutor(2).map",
      py.totalMedian,
      oa.totalMedian,
      30,
    );
  const cs = get('cpu', 'serial');
  const cp = get('cpu', 'piscina');
  for (const id of ['rf-pmap-auto', 'rf-pmap-1']) {
    const c = get('cpu', id);
    if (c && cs && cp)
      ratio(`cpu: speedup of ${id} ÷ speedup of piscina`, rate(c), rate(cp), id === 'rf-pmap-auto' ? 0.98 : undefined);
  }
  const ta = get('tiny', 'rf-pmap-auto');
  const ts = get('tiny', 'serial');
  if (ta && ts) ratio("tiny: parallelMap 'auto' vs serial (tasks/s)", rate(ta), rate(ts), 1.5);
  const sa = get('skew', 'rf-pmap-auto');
  const sp = get('skew', 'piscina');
  if (sa && sp) ratio('skew: ordered parallelMap default vs piscina (tasks/s)', rate(sa), rate(sp), 1.1);
  const ma = get('markdown', 'rf-pmap-auto');
  const mp = get('markdown', 'piscina');
  const ms = get('markdown', 'rf-submit');
  if (ma && mp) ratio('markdown: parallelMap default vs piscina (docs/s)', rate(ma), rate(mp), 1.1);
  if (ma && ms) ratio('markdown: parallelMap default vs submit-all (docs/s)', rate(ma), rate(ms), 0.95);
  // The target is for the defaults; chunksize 1 is reported for comparison.
  for (const id of ['rf-map-auto', 'rf-pmap-range', 'rf-map-1']) {
    const m = get('memory', id);
    const targeted = id !== 'rf-map-1';
    if (m)
      out.push({
        check: `memory: peak RSS growth, ${id}`,
        measured: `${fmtNum(m.median)} MB`,
        target: targeted ? '< 10 MB' : '—',
        pass: targeted ? m.median < 10 : undefined,
      });
  }
  // The process pool (issue 14), against the one peer with child processes and against our threads.
  const op = get('overhead', 'rfp-pmap-1');
  const owp = get('overhead', 'workerpool-process');
  if (op && owp)
    ratio("process pool: parallelMap chunksize 1 vs workerpool 'process' (tasks/s)", rate(op), rate(owp), 1.0);
  const cpp = get('cpu', 'rfp-pmap-auto');
  const cpt = get('cpu', 'rf-pmap-auto');
  if (cpp && cpt) ratio("process pool: CPU-bound speedup ÷ the thread pool's", rate(cpp), rate(cpt), 0.95);
  const coldP = get('cold', 'rfp-submit');
  const coldT = get('cold', 'rf-submit');
  if (coldP && coldT)
    out.push({
      check: 'process pool: cold start to the first result (the thread pool beside it)',
      measured: `${fmtNum(coldP.median)} ms (threads ${fmtNum(coldT.median)} ms)`,
      target: 'reported',
    });
  const c = get('cancel', 'rf-pmap-1');
  const cpis = get('cancel', 'piscina');
  if (c)
    out.push({
      check: 'cancel: next trivial result after unsubscribing (vs piscina in the same run)',
      measured: `${fmtNum(c.median)} ms${cpis ? ` (piscina ${fmtNum(cpis.median)} ms)` : ''}`,
      target: cpis ? '≤ piscina' : '< 100 ms',
      pass: cpis ? c.median <= cpis.median : c.median < 100,
    });
  return out;
}

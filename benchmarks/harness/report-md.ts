/**
 * Writes the Markdown report: machine, run settings, one table per scenario (median,
 * spread, ratio vs piscina and vs serial), and the acceptance ratios of the benchmark issues.
 */
import { fmtNum } from './stats.js';
import type { Machine } from './machine.js';
import type { ScenarioResult, Summary } from './types.js';
import { acceptance } from './acceptance.js';

export interface RunInfo {
  command: string;
  rounds: number;
  workers: number;
  quick: boolean;
  spin5ms: number;
  spin2us: number;
  only?: string[];
}

export const rate = (s: Summary): number => s.items / (s.median / 1000);
const find = (r: ScenarioResult, id: string): Summary | undefined =>
  r.rows.find((x) => x.contender.id === id && !x.error);
const x = (v: number | undefined): string => (v === undefined || !isFinite(v) ? '—' : `${fmtNum(v)}×`);
const spread = (s: Summary): string => `${fmtNum(s.min)}–${fmtNum(s.max)}`;

function table(r: ScenarioResult): string[] {
  const m = r.scenario.metric;
  const pis = find(r, 'piscina');
  const ser = find(r, 'serial');
  const lines: string[] = [];
  if (m === 'throughput') {
    lines.push(
      '| contender | items | median ms | tasks/s | vs piscina | vs serial | total ms (start+run+shutdown) | range ms |',
    );
    lines.push('|---|--:|--:|--:|--:|--:|--:|--:|');
  } else if (m === 'latency') {
    lines.push('| contender | median ms | vs piscina (its ms ÷ this) | range ms |');
    lines.push('|---|--:|--:|--:|');
  } else {
    lines.push('| contender | items | peak RSS growth MB (median) | range MB |');
    lines.push('|---|--:|--:|--:|');
  }
  const full = Math.max(0, ...r.rows.filter((o) => !o.error).map((o) => o.items));
  for (const s of r.rows) {
    const name = s.contender.label + (!s.error && s.items < full ? ' *(capped)*' : '');
    if (s.error) {
      lines.push(`| ${name} | failed: ${s.error.replace(/\|/g, '\\|').slice(0, 160)} |`);
      continue;
    }
    if (m === 'throughput') {
      const vsP = pis ? rate(s) / rate(pis) : undefined;
      const vsS = ser ? rate(s) / rate(ser) : undefined;
      const total = s.totalMedian === undefined ? '—' : fmtNum(s.totalMedian);
      lines.push(
        `| ${name} | ${s.items.toLocaleString('en-US')} | ${fmtNum(s.median)} | ${fmtNum(rate(s))} | ${x(vsP)} | ${x(vsS)} | ${total} | ${spread(s)} |`,
      );
    } else if (m === 'latency') {
      lines.push(`| ${name} | ${fmtNum(s.median)} | ${x(pis ? pis.median / s.median : undefined)} | ${spread(s)} |`);
    } else {
      lines.push(`| ${name} | ${s.items.toLocaleString('en-US')} | ${fmtNum(s.median)} | ${spread(s)} |`);
    }
  }
  return lines;
}

export function markdown(results: ScenarioResult[], mc: Machine, info: RunInfo, pythonNote: string): string {
  const out: string[] = [
    '# rxjs-futures benchmarks',
    '',
    `- Machine: ${mc.cpu} × ${mc.cores} (os.cpus()), ${mc.memGB} GB, ${mc.os}`,
    `- Node ${mc.node}; ${pythonNote}`,
    `- Date: ${mc.date}; 1-min load average ${mc.load} on ${mc.cores} cores` +
      (Number(mc.load.split(' ')[0]) > mc.cores / 2
        ? ' (**the machine was busy: absolute figures are unreliable, compare ratios**)'
        : ''),
    `- Command: \`${info.command}\`${info.quick ? ' (**--quick**: smaller sizes, not for comparison with full runs)' : ''}`,
    `- Pool size ${info.workers}; ${info.rounds} rounds, contenders interleaved (A B C … A B C …); figures are medians.`,
    `- \`spin\` calibration on the main thread: ${info.spin5ms.toLocaleString('en-US')} iterations ≈ 5 ms, ${info.spin2us.toLocaleString('en-US')} ≈ 2 µs.`,
  ];
  if (info.only) out.push(`- Contenders limited to: ${info.only.join(', ')}.`);
  out.push(
    '',
    'Ratios "vs piscina" and "vs serial" compare tasks/s (higher is faster). "total" includes pool start (to the first warm-up results) and shutdown.',
    '',
  );
  for (const r of results) {
    out.push(`## ${r.scenario.title}`, '', r.scenario.description, '', ...table(r), '');
    const notes = [
      ...(r.scenario.notes ?? []),
      ...r.rows
        .filter((s) => s.warning)
        .map((s) => `${s.contender.label}: failed after ${s.samples.length} round(s): ${s.warning}`),
    ];
    for (const n of notes) out.push(`- ${n}`);
    if (notes.length) out.push('');
  }
  const acc = acceptance(results);
  if (acc.length) {
    out.push('## Acceptance ratios', '', '| check | measured | target | |', '|---|--:|--:|---|');
    for (const a of acc)
      out.push(
        `| ${a.check} | ${a.measured} | ${a.target} | ${a.pass === undefined ? 'info' : a.pass ? 'pass' : '**miss**'} |`,
      );
    out.push('');
  }
  return out.join('\n');
}

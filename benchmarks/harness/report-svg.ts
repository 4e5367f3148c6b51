/**
 * Writes the chart: one panel per throughput scenario, a horizontal bar of tasks/s per
 * contender on ONE shared log scale (so panels compare at a glance), coloured by family
 * (rxjs-futures, peers, raw floor, baselines). Hand-written SVG, no chart dependency.
 */
import { fmtNum } from './stats.js';
import type { Machine } from './machine.js';
import type { Family, ScenarioResult, Summary } from './types.js';

const COLORS: Record<Family, string> = {
  'rxjs-futures': '#d6336c',
  peer: '#4263eb',
  floor: '#868e96',
  baseline: '#f08c00',
};
const FAMILY_NAMES: Record<Family, string> = {
  'rxjs-futures': 'rxjs-futures',
  peer: 'other pools',
  floor: 'raw worker_threads (floor)',
  baseline: 'serial / Python',
};
const W = 980;
const LABEL_W = 330;
const BAR_W = 520;
const ROW = 20;
const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const rate = (s: Summary): number => s.items / (s.median / 1000);
const si = (v: number): string => (v >= 1e6 ? `${v / 1e6}M` : v >= 1e3 ? `${v / 1e3}k` : String(v));

export function svg(results: ScenarioResult[], mc: Machine): string {
  const panels = results.filter((r) => r.scenario.metric === 'throughput');
  const rates = panels.flatMap((r) => r.rows.filter((s) => !s.error).map(rate));
  const lo = Math.floor(Math.log10(Math.max(1, Math.min(...rates, 1e3))));
  const hi = Math.ceil(Math.log10(Math.max(...rates, 10)));
  const xOf = (v: number): number => LABEL_W + ((Math.log10(Math.max(v, 10 ** lo)) - lo) / (hi - lo)) * BAR_W;
  const gridX = (d: number): string => (LABEL_W + ((d - lo) / (hi - lo)) * BAR_W).toFixed(1);
  const parts: string[] = [];
  let y = 56;
  // legend
  let lx = LABEL_W;
  for (const f of Object.keys(COLORS) as Family[]) {
    parts.push(`<rect x="${lx}" y="34" width="12" height="12" fill="${COLORS[f]}"/>`);
    parts.push(`<text x="${lx + 16}" y="44" class="s">${esc(FAMILY_NAMES[f])}</text>`);
    lx = Math.round(lx + 28 + FAMILY_NAMES[f].length * 6.4);
  }
  for (const r of panels) {
    const top = y + 14;
    parts.push(`<text x="8" y="${y + 10}" class="h">${esc(r.scenario.title)}</text>`);
    y += 20;
    const bottom = y + r.rows.length * ROW;
    for (let d = lo; d <= hi; d++) {
      parts.push(`<line x1="${gridX(d)}" y1="${y}" x2="${gridX(d)}" y2="${bottom}" class="g"/>`);
    }
    const full = Math.max(0, ...r.rows.filter((s) => !s.error).map((s) => s.items));
    for (const s of r.rows) {
      const capped = !s.error && s.items < full;
      const label = s.contender.label + (capped ? ' (capped)' : '');
      parts.push(`<text x="${LABEL_W - 8}" y="${y + 14}" text-anchor="end" class="l">${esc(label)}</text>`);
      if (s.error) {
        parts.push(`<text x="${LABEL_W + 4}" y="${y + 14}" class="s" fill="#c92a2a">failed / not run</text>`);
      } else {
        const v = rate(s);
        const x1 = xOf(v);
        const fill = COLORS[s.contender.family];
        parts.push(
          `<rect x="${LABEL_W}" y="${y + 3}" width="${Math.max(1, x1 - LABEL_W).toFixed(1)}" height="${ROW - 6}" fill="${fill}"${capped ? ' fill-opacity="0.55"' : ''}/>`,
        );
        parts.push(`<text x="${(x1 + 5).toFixed(1)}" y="${y + 14}" class="v">${fmtNum(v)}/s</text>`);
      }
      y += ROW;
    }
    parts.push(`<line x1="${LABEL_W}" y1="${top + 6}" x2="${LABEL_W}" y2="${y}" stroke="#343a40"/>`);
    y += 12;
  }
  // axis labels at the bottom
  for (let d = lo; d <= hi; d++) {
    parts.push(`<text x="${gridX(d)}" y="${y + 4}" text-anchor="middle" class="s">${si(10 ** d)}</text>`);
  }
  y += 20;
  parts.push(
    `<text x="${LABEL_W}" y="${y}" class="s">tasks per second, log scale (higher is faster); median of interleaved rounds</text>`,
  );
  y += 18;
  parts.push(`<text x="8" y="${y}" class="s">${esc(`${mc.cpu} × ${mc.cores}, Node ${mc.node}, ${mc.date}`)}</text>`);
  const h = y + 12;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${h}" viewBox="0 0 ${W} ${h}" font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif">`,
    '<style>.h{font-size:14px;font-weight:600;fill:#212529}.l{font-size:12px;fill:#343a40}.v{font-size:11px;fill:#212529}.s{font-size:11px;fill:#495057}.g{stroke:#dee2e6;stroke-width:1}</style>',
    `<rect width="${W}" height="${h}" fill="#ffffff"/>`,
    `<text x="8" y="22" class="h" style="font-size:16px">rxjs-futures vs worker pools: throughput (2 workers)</text>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}

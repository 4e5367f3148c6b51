/**
 * Scenario 8, markdown: a real workload. Up to 140 real Markdown documents (the `.md` files
 * under node_modules: READMEs, CHANGELOGs, licence notices; 2 KB–360 KB, sorted by path,
 * duplicates by content dropped), each task rendering one document 4 times with markdown-it
 * (a module task, workers/markdown.ts, so every pool runs the same code) and returning the
 * HTML length. Allocation-heavy on both sides (the text is the message) and skewed: task
 * time follows document size, and two documents are a third of all the text. Measures
 * dispatch under skew against a shared-queue raw floor and the main thread.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../harness/paths.js';
import type { ModuleTask } from '../harness/types.js';
import { throughputScenario } from './throughput.js';

const file = new URL('../workers/markdown.js', import.meta.url);
const render: ModuleTask = { file, name: 'render' };
const MAX_DOCS = 140;
const MIN_BYTES = 2 * 1024;
const MAX_BYTES = 360 * 1024;
/** Untimed passes over the documents on every fresh pool before the timed one. */
const WARM_PASSES = 3;

function mdFiles(dir: string, out: string[]): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) mdFiles(p, out);
    else if (e.isFile() && /\.md$/i.test(e.name)) out.push(p);
  }
  return out;
}

/** The documents, in path order: sizes in range, first copy of each content only. */
function documents(): string[] {
  const seen = new Set<string>();
  const docs: string[] = [];
  for (const f of mdFiles(path.join(repoRoot, 'node_modules'), []).sort()) {
    const size = statSync(f).size;
    if (size < MIN_BYTES || size > MAX_BYTES) continue;
    const text = readFileSync(f, 'utf8');
    const hash = createHash('sha1').update(text).digest('hex');
    if (seen.has(hash)) continue;
    seen.add(hash);
    docs.push(text);
    if (docs.length === MAX_DOCS) break;
  }
  return docs;
}

const notes = [
  'rxjs-futures parallelMap runs with the default options here (`{ executor }` only: ordered, default window and chunksize).',
  'raw-queue hands the next document to whichever worker is free (one shared queue), the fair floor for skewed tasks.',
  `Each fresh pool first renders all the documents ${WARM_PASSES} times, untimed: markdown-it in a new worker is ~2.5× slower on its first pass than on its fourth, so without it the figure is JIT warm-up. serial runs the same passes on the main thread.`,
];
const fixedNotes = notes.length;
const kb = (n: number): string => `${Math.round(n / 1024)} KB`;

export const markdown = throughputScenario({
  id: 'markdown',
  title: 'Markdown: real documents rendered with markdown-it',
  description:
    'N tasks `render(text)` (markdown-it, 4 renders of one document, result the HTML length) over the `.md` files ' +
    'found under node_modules; results collected in input order (--quick: every third document).',
  contenders: ['rf-pmap-auto', 'rf-submit', 'piscina', 'raw-queue', 'serial'],
  notes,
  build: (ctx) => {
    const all = documents();
    const items = ctx.quick ? all.filter((_, i) => i % 3 === 0) : all;
    if (items.length === 0) throw new Error('markdown: no .md files of 2 KB–360 KB under node_modules');
    const sizes = items.map((d) => d.length).sort((a, b) => a - b);
    const total = sizes.reduce((a, b) => a + b, 0);
    notes.length = fixedNotes;
    notes.push(
      `${items.length} documents, ${kb(total)} in all; ${kb(sizes[0]!)} to ${kb(sizes.at(-1)!)}, ` +
        `median ${kb(sizes[sizes.length >> 1]!)}; the two largest are ${Math.round((100 * (sizes.at(-1)! + (sizes.at(-2) ?? 0))) / total)}% of the text.`,
    );
    return {
      task: render,
      items,
      warm: [...items].sort((a, b) => a.length - b.length).slice(0, 4),
      // markdown-it in a fresh worker runs its first pass over these ~2.5× slower than its
      // fourth (JIT tiers, heap growth): untimed passes first, or the figure is warm-up.
      startup: { task: render, items: Array.from({ length: WARM_PASSES }, () => items).flat() },
    };
  },
});

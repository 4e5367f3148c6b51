/**
 * Streaming a large file through a worker: a task that is an async generator parses a log
 * file line by line on a worker thread, and its records stream into an ordinary pipeline.
 * The worker runs at most ~1,000 records ahead of the pipeline, so memory stays flat
 * however large the file is; take() stops it in the worker (its finally closes the file).
 *
 *   npx tsx examples/stream-lines.ts
 */
import { writeFileSync, rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { filter, lastValueFrom, reduce, take, toArray } from 'rxjs';
import { fromTaskStream, task, ThreadPoolExecutor } from 'rxjs-futures';
import type * as LogTasks from './tasks/log-lines.js';

// A log of 200,000 lines to read (about 7 MB).
const dir = mkdtempSync(join(tmpdir(), 'rxjs-futures-log-'));
const file = join(dir, 'app.log');
const levels = ['INFO', 'INFO', 'INFO', 'WARN', 'ERROR'];
writeFileSync(
  file,
  Array.from(
    { length: 200_000 },
    (_, i) => `2026-12-03T10:00:${String(i % 60).padStart(2, '0')}Z ${levels[i % 5]} ${(i % 97) / 4}ms request ${i}`,
  ).join('\n'),
);

const parseLog = task<typeof LogTasks.parseLog>(new URL('./tasks/log-lines.js', import.meta.url), 'parseLog');
// cancelGrace: a stopped stream has up to 1 s to run its finally (close the file) and keep
// its worker; the default, 50 ms, is tight for async cleanup on a busy machine.
await using executor = new ThreadPoolExecutor({ maxWorkers: 2, cancelGrace: 1000 });

// The whole file, streamed: count the errors and their mean time.
const errors = await lastValueFrom(
  fromTaskStream(executor, parseLog, file).pipe(
    filter((r) => r.level === 'ERROR'),
    reduce((acc, r) => ({ n: acc.n + 1, ms: acc.ms + r.ms }), { n: 0, ms: 0 }),
  ),
);
console.log(`errors: ${errors.n}, mean ${(errors.ms / errors.n).toFixed(2)} ms`);

// Only the first three warnings: the stream stops in the worker once they are in.
const warnings = await lastValueFrom(
  fromTaskStream(executor, parseLog, file).pipe(
    filter((r) => r.level === 'WARN'),
    take(3),
    toArray(),
  ),
);
console.log(`first warnings at: ${warnings.map((w) => w.at).join(', ')}`);
rmSync(dir, { recursive: true, force: true });

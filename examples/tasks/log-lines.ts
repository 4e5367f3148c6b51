/**
 * Task module of examples/stream-lines.ts: parses a log file in a worker and streams its
 * records one by one; stops when asked (its finally closes the file). Module tasks may
 * import anything, including rxjs-futures/worker.
 */
import { createReadStream, writeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { currentSignal } from 'rxjs-futures/worker';

export interface LogRecord {
  at: string;
  level: string;
  ms: number;
}

/** Each line `2026-12-03T10:00:00Z INFO 12.5ms …` as a record; the file closes however the stream ends. */
export async function* parseLog(file: string): AsyncGenerator<LogRecord> {
  const input = createReadStream(file, { signal: currentSignal() });
  const lines = createInterface({ input, crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      const [at = '', level = '', took = ''] = line.split(' ');
      yield { at, level, ms: Number.parseFloat(took) };
    }
  } finally {
    lines.close();
    input.destroy();
    // writeSync, not console.log: a worker's console output reaches the terminal by message
    // to the main thread, and a line logged just before the program exits can be cut off.
    writeSync(1, `worker: closed ${file.split('/').pop()}\n`);
  }
}

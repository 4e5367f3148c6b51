/**
 * Progress while the benchmark runs: a cli-progress bar on a TTY, one line per run
 * otherwise (CI logs, pipes).
 */
import cliProgress from 'cli-progress';

export interface Progress {
  step(label: string, result: string): void;
  log(line: string): void;
  stop(): void;
}

export function progress(total: number): Progress {
  if (!process.stdout.isTTY) {
    let done = 0;
    const width = String(total).length;
    return {
      step(label, result) {
        done++;
        console.log(`[${String(done).padStart(width)}/${total}] ${label}: ${result}`);
      },
      log: (line) => console.log(line),
      stop: () => undefined,
    };
  }
  const bar = new cliProgress.SingleBar(
    { format: ' {bar} {value}/{total} | {label} {result}', hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { label: 'starting', result: '' });
  return {
    step: (label, result) => bar.increment({ label, result }),
    log(line) {
      bar.stop();
      console.log(line);
      bar.start(total, (bar as unknown as { value: number }).value, { label: '', result: '' });
    },
    stop: () => bar.stop(),
  };
}

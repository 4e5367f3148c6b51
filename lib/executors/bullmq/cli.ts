#!/usr/bin/env node
/**
 * rxjs-futures-worker: serves the exports of the modules on its command line to
 * BullMQExecutors on the same Redis queue. See USAGE in cli-args.ts.
 */
import { loadAllowList } from './allow-list.js';
import { USAGE, parseArgs, type WorkerArgs } from './cli-args.js';
import { serve } from './serve.js';

const log = (line: string) => process.stderr.write(`${line}\n`);

async function main(argv: readonly string[]): Promise<void> {
  let args: WorkerArgs | 'help';
  try {
    args = parseArgs(argv);
  } catch (err) {
    log(`rxjs-futures-worker: ${(err as Error).message}\nTry 'rxjs-futures-worker --help'.`);
    process.exit(2);
  }
  if (args === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  // threads.js ends the process on SIGTERM/SIGINT (it terminates its threads and exits); a
  // worker must first finish its jobs, so those handlers give way to ours.
  process.removeAllListeners('SIGTERM');
  process.removeAllListeners('SIGINT');
  let stopping = false;
  let serving: Awaited<ReturnType<typeof serve>> | undefined;
  const onSignal = (signal: string) => {
    if (stopping) {
      log(
        `rxjs-futures-worker: ${signal} again: exiting now; running jobs run again elsewhere once their lock expires`,
      );
      process.exit(1);
    }
    stopping = true;
    log(`rxjs-futures-worker: ${signal}: taking no more jobs, finishing the running ones`);
    if (!serving) process.exit(0);
    serving.close().then(
      ({ abandoned }) => {
        if (abandoned === 0) process.exit(0);
        log(
          `rxjs-futures-worker: Redis did not answer, so ${abandoned} running job(s) could not finish here: ` +
            'exiting with code 1; they run again elsewhere once their lock expires',
        );
        process.exit(1);
      },
      (err: Error) => {
        log(`rxjs-futures-worker: could not stop cleanly: ${err.message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));

  try {
    const tasks = await loadAllowList(args.tasks);
    serving = await serve({ ...args, tasks, log });
  } catch (err) {
    log(`rxjs-futures-worker: ${(err as Error).message}`);
    process.exit(1);
  }
  if (stopping) {
    await serving.close(); // nothing ran yet: nothing to abandon
    process.exit(0);
  }
  process.stdout.write(`${serving.readyLine}\n`);
}

void main(process.argv.slice(2));

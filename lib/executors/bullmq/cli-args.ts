/** The command line of rxjs-futures-worker: flags, defaults, and errors that say what to type. */
import { availableParallelism } from 'node:os';
import { DEFAULT_QUEUE, checkQueueName } from './names.js';

export const USAGE = `Usage: rxjs-futures-worker --redis URL --tasks MODULE [--tasks MODULE …] [options]

Serves the named function exports of the given modules (the allow-list) to BullMQExecutors
on the same Redis queue, on a local pool of worker threads. A job naming anything else fails
with TaskNotAllowedError; no function source is ever sent or run.

  --redis URL         Redis to connect to, e.g. redis://127.0.0.1:6379 (required)
  --tasks MODULE      an ES module whose named function exports are served; repeatable (required)
  --queue NAME        BullMQ queue to take jobs from (default: ${DEFAULT_QUEUE})
  --threads N         worker threads (default: the CPU count)
  --concurrency N     jobs taken at once (default: threads + 1)
  --lock-ms N         how long a silent worker keeps its jobs: the job of a dead worker runs
                      again elsewhere within 2 × N ms + 5 s (default: 30000)
  -h, --help          show this help

Prints one line starting "rxjs-futures-worker ready" once it takes jobs. SIGTERM (or SIGINT)
stops taking jobs, lets the running ones finish, then exits 0; a second one exits at once
with code 1 (its running jobs run again elsewhere once their lock expires). If Redis does not
answer for 5 s while it stops, it stops waiting: exit 0 when no job was running, else 1.`;

export interface WorkerArgs {
  readonly redis: string;
  readonly queue: string;
  readonly tasks: readonly string[];
  readonly threads: number;
  readonly concurrency: number;
  readonly lockMs: number;
}

/** Parses argv (without node and the script); throws an Error whose message is meant for the user. */
export function parseArgs(argv: readonly string[]): WorkerArgs | 'help' {
  const values: Record<string, string[]> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-h' || arg === '--help') return 'help';
    const m = /^--(redis|tasks|queue|threads|concurrency|lock-ms)(?:=(.*))?$/.exec(arg);
    if (!m) throw new Error(`unknown argument '${arg}'`);
    const value = m[2] ?? argv[++i];
    if (value === undefined || (m[2] === undefined && value.startsWith('--'))) {
      throw new Error(`--${m[1]} needs a value`);
    }
    (values[m[1]!] ??= []).push(value);
  }
  for (const flag of ['redis', 'queue', 'threads', 'concurrency', 'lock-ms']) {
    if ((values[flag]?.length ?? 0) > 1) throw new Error(`--${flag} was given more than once`);
  }
  const redis = values.redis?.[0];
  if (!redis) throw new Error('--redis URL is required (e.g. --redis redis://127.0.0.1:6379)');
  if (!/^rediss?:\/\//.test(redis)) throw new Error(`--redis must be a redis:// or rediss:// URL, got '${redis}'`);
  const tasks = values.tasks ?? [];
  if (tasks.length === 0) throw new Error('--tasks MODULE is required: the module whose exports this worker serves');
  const threads = integer('threads', values.threads?.[0], availableParallelism(), 1);
  return {
    redis,
    queue: checkQueueName('--queue', values.queue?.[0]),
    tasks,
    threads,
    concurrency: integer('concurrency', values.concurrency?.[0], threads + 1, 1),
    lockMs: integer('lock-ms', values['lock-ms']?.[0], 30_000, 100),
  };
}

function integer(flag: string, text: string | undefined, fallback: number, min: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < min) {
    throw new Error(`--${flag} must be an integer of at least ${min}, got '${text}'`);
  }
  return n;
}

/**
 * A worker that is a child process (ProcessPoolExecutor): `fork`ed with advanced
 * serialization (structured-clone fidelity over the IPC channel), connected by a
 * ProcessHandshake, and judged at its death by exit code and signal. Chunk states are
 * claimed by message: processes share no memory.
 */
import { fork, type ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { decodeError } from '../core/decode-error.js';
import type { HostMessage, InitSpec, ProcessHandshake, WorkerMessage } from '../protocol.cjs';
import type { ProcessSpawnOptions, WorkerEvents, WorkerTransport } from './platform.js';

const RUNTIME_PATH = fileURLToPath(new URL('../worker/process.bundle.cjs', import.meta.url));

/** How much of a child's last stderr output is kept to name its death (an out-of-memory report). */
const STDERR_TAIL = 4096;
/** After a child's exit, how long its last messages may take to arrive before its death is judged. */
const LAST_WORDS_MS = 1000;
/** A child that has not loaded our runtime by then never will (threads get the same from threads.js). */
const START_TIMEOUT_MS = 30_000;

export class ProcessTransport implements WorkerTransport {
  readonly #child: ChildProcess;
  #stderrTail = '';
  #handshake: ((m: ProcessHandshake) => void) | undefined;
  #startTimer: ReturnType<typeof setTimeout> | undefined;
  /** The handshake is done: from now on an exit code is a task's process.exit. */
  #connected = false;

  constructor(
    options: ProcessSpawnOptions,
    private readonly events: WorkerEvents,
  ) {
    this.#child = fork(RUNTIME_PATH, options.name ? [options.name] : [], {
      serialization: 'advanced',
      execArgv: options.execArgv ? [...options.execArgv] : hostFlags(),
      env: options.env ?? process.env,
      // stderr is read for its last words (an out-of-memory report) and passed on.
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
    });
    const child = this.#child;
    child.on('message', (m: WorkerMessage[] | ProcessHandshake) => {
      if (Array.isArray(m)) events.message(m);
      else this.#handshake?.(m);
    });
    // A failed spawn, or a send to a child that just died: its exit (or the spawn's failure) says the rest.
    child.on('error', (err) => {
      if (child.pid === undefined) this.#gone({ reason: `the worker process could not start: ${err.message}` });
    });
    child.on('exit', (code, signal) => this.#exited(code, signal));
    const stderr = child.stderr as Readable & { unref(): void };
    stderr.on('data', (chunk: Buffer) => {
      process.stderr.write(chunk);
      this.#stderrTail = (this.#stderrTail + chunk.toString()).slice(-STDERR_TAIL);
    });
    stderr.on('error', () => {}); // a broken pipe to a dying child is its exit's business
    stderr.unref(); // the child itself decides whether the host stays alive (setRef)
  }

  get threadId(): number {
    return this.#child.pid ?? -1;
  }

  async spawn(): Promise<void> {
    const late = new Promise<never>((_, reject) => {
      this.#startTimer = setTimeout(
        () =>
          reject(
            new Error(
              `the worker process did not load the rxjs-futures runtime within ${START_TIMEOUT_MS / 1000} s (check execArgv: a flag such as -e or --test runs something else)`,
            ),
          ),
        START_TIMEOUT_MS,
      );
      // The starting child keeps the host alive itself; a child that died takes this timer with it (releaseSpawn).
      this.#startTimer.unref();
    });
    try {
      await Promise.race([this.#await((m) => 'up' in m), late]);
    } finally {
      clearTimeout(this.#startTimer);
    }
  }

  async connect(_shared: SharedArrayBuffer | null, init: InitSpec | null): Promise<void> {
    const answer = this.#await((m) => 'connected' in m);
    this.#child.send({ connect: init } satisfies ProcessHandshake);
    const m = (await answer) as Extract<ProcessHandshake, { connected: boolean }>;
    if (!m.connected) throw decodeError(m.error);
    this.#connected = true;
  }

  /** The next handshake message that `is` accepts (the slot races this with the child's death). */
  #await(is: (m: ProcessHandshake) => boolean): Promise<ProcessHandshake> {
    return new Promise((resolve) => {
      this.#handshake = (m) => {
        if (!is(m)) return;
        this.#handshake = undefined;
        resolve(m);
      };
    });
  }

  post(batch: HostMessage[]): void {
    // Throws (synchronously) for what cannot be serialized; a closed channel is reported as 'error' instead.
    this.#child.send(batch);
  }

  drain(): boolean {
    return false; // an IPC channel cannot be read synchronously
  }

  setRef(ref: boolean): void {
    const channel = this.#child.channel as { ref(): void; unref(): void } | null | undefined;
    if (ref) {
      this.#child.ref();
      channel?.ref();
    } else {
      this.#child.unref();
      channel?.unref();
    }
  }

  terminate(): void {
    this.#child.kill('SIGKILL');
  }

  releaseSpawn(): void {
    clearTimeout(this.#startTimer); // the slot saw the death and gave up on this start
  }

  #exited(code: number | null, signal: NodeJS.Signals | null): void {
    // Messages it sent just before (results, a crash report) may still be on their way: the
    // channel closes after the last of them; so may its last words on stderr.
    const judge = () => {
      const reason = this.#why(signal);
      this.#gone({
        code: code ?? undefined,
        signal: signal ?? undefined,
        // A connected child ends with a code only through process.exit (a crash report comes
        // first, and counts first); before that, the code is Node's own (a start-up failure).
        exitCall: reason === undefined && this.#connected ? (code ?? undefined) : undefined,
        reason:
          reason ??
          (this.#connected || code === null ? undefined : `the worker process exited with code ${code} while starting`),
      });
    };
    const child = this.#child;
    if (!child.connected) return judge();
    const timer = setTimeout(judge, LAST_WORDS_MS);
    child.once('disconnect', () => {
      clearTimeout(timer);
      judge();
    });
  }

  /** What a signal says of a death, with its stderr's last words where they tell more. */
  #why(signal: NodeJS.Signals | null): string | undefined {
    if (/heap out of memory|Reached heap limit|Allocation failed/i.test(this.#stderrTail)) {
      return 'out of memory: the process reached its heap limit (raise it with execArgv, e.g. --max-old-space-size=4096)';
    }
    if (signal === 'SIGSEGV' || signal === 'SIGBUS' || signal === 'SIGILL') {
      return `the worker process crashed with ${signal} (a native crash, e.g. in an addon)`;
    }
    if (signal === 'SIGABRT') return 'the worker process aborted (SIGABRT: process.abort() or a fatal native error)';
    if (signal === 'SIGKILL')
      return 'the worker process was killed by SIGKILL (from outside, or by the system when out of memory)';
    return signal ? `the worker process was killed by ${signal}` : undefined;
  }

  #ended = false;
  #gone(end: Parameters<WorkerEvents['exit']>[0]): void {
    if (this.#ended) return;
    this.#ended = true;
    this.events.exit(end);
  }
}

/**
 * Flags of the host that a child must not take: they say what Node runs (`-e code` would
 * make every child run the host's script again, and fork its own pool: a fork bomb), or
 * bind a debugger's port. The rest (--import tsx, --conditions, heap sizes…) is inherited.
 */
const NOT_INHERITED =
  /^(-e|--eval|-p|--print|-i|--interactive|-c|--check|--input-type|--test.*|--watch.*|--inspect.*|--debug.*)$/;
/** Those of them whose value is the next argument: always, or unless it looks like a flag. */
const VALUE_ALWAYS = /^(-e|--eval|-p|--print|--input-type)$/;
const VALUE_MAYBE = /^(--test-[a-z-]+|--watch-path|--inspect-port|--debug-port)$/;

/** The host's Node flags that a child inherits (as `fork` would, less NOT_INHERITED). */
export function hostFlags(execArgv: readonly string[] = process.execArgv): string[] {
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const flag = execArgv[i]!;
    const name = flag.split('=', 1)[0]!;
    // Short flags bundled (-pe): one that runs code drops the bundle and its value.
    const bundle = /^-[A-Za-z]{2,}$/.test(flag) ? flag : undefined;
    if (bundle && /[epic]/.test(bundle)) {
      if (/[ep]/.test(bundle) && i + 1 < execArgv.length) i++;
      continue;
    }
    if (!NOT_INHERITED.test(name)) {
      kept.push(flag);
      continue;
    }
    const next = execArgv[i + 1];
    if (flag.includes('=') || next === undefined) continue;
    if (VALUE_ALWAYS.test(name) || (VALUE_MAYBE.test(name) && !next.startsWith('-'))) i++;
  }
  return kept;
}

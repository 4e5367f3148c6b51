/**
 * The seam between the core and a runtime: everything the pools need that Node and
 * browsers do differently. `#platform` (package.json "imports") resolves to node.ts, or
 * to browser.ts under the `browser` condition; both export a `platform` of this shape.
 * A new runtime (Deno, a WebSocket cluster) implements this and a worker entry; a new kind
 * of worker (a child process) is one more `WorkerTransport` behind a `WorkerSpawner`.
 */
import type { HostMessage, InitSpec, WorkerMessage } from '../protocol.cjs';

export interface Platform {
  readonly name: 'node' | 'browser';
  /** The default maxWorkers. */
  cpuCount(): number;
  /** Runs `fn` on a later macrotask (after I/O and timers already due). */
  macrotask(fn: () => void): void;
  /** Runs `fn` once the current synchronous burst is over: batches the chunks sent in it. */
  soon(fn: () => void): void;
  /** A timer (an idle worker's) must not keep the process alive. */
  unrefTimer(timer: ReturnType<typeof setTimeout>): void;
  /** Throws TypeError for a pool option this platform cannot honour. */
  checkPoolOptions(where: string, options: Readonly<Record<string, unknown>>): void;
  /** task(module): the module's URL, checked as far as this platform can; throws TypeError with a hint. */
  moduleUrl(module: string | URL): URL;
  /** How a thread pool makes its workers (web workers in a browser). */
  threads(options: SpawnOptions): WorkerSpawner;
  /** How a process pool makes its workers; undefined where there are no child processes (browsers). */
  readonly processes?: (options: ProcessSpawnOptions) => WorkerSpawner;
}

/** How one pool makes its workers, with the pool's options bound, and what differs between kinds. */
export interface WorkerSpawner {
  /** Chunk states live in shared memory (else the host holds them and the worker claims by message). */
  readonly sharedMemory: boolean;
  /** What a worker is, in error messages: 'worker thread', 'worker process'. */
  readonly noun: string;
  /** transfer() moves buffers to the worker (threads); else they are copied, and stay here (processes). */
  readonly transfers: boolean;
  /** Without shared memory: tiny chunks may be handed over already claimed (see scheduler.ts). */
  readonly claimAhead: boolean;
  /**
   * ms a worker has to say it heard a stop before it counts as stuck in synchronous code
   * (see stop-path.ts): one message on a free event loop, slower between processes.
   */
  readonly hearMs: number;
  /** Throws if `value` cannot cross to a worker of this kind (the serializer its channel uses). */
  probe(value: unknown): void;
  spawn(events: WorkerEvents): WorkerTransport;
}

export interface ProcessSpawnOptions {
  readonly name?: string;
  /** Node flags of the child (`--max-old-space-size=64`…); default the host's, less debugger flags. */
  readonly execArgv?: readonly string[];
  /** The child's environment; default the host's `process.env` at the time of the start. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export interface SpawnOptions {
  readonly name?: string;
  /** Node's ResourceLimits (checked by checkPoolOptions). */
  readonly resourceLimits?: object;
}

/** What a worker tells its slot. */
export interface WorkerEvents {
  message(batch: readonly WorkerMessage[]): void;
  /** The platform reported an error of the worker (out of memory…); its exit follows. */
  error(reason: string, error: unknown): void;
  /** The worker is gone. */
  exit(end: WorkerEnd): void;
}

/** What the platform knows of a worker's end. */
export interface WorkerEnd {
  /** The exit code, where the worker exited with one (a terminated thread exits with 1 too). */
  readonly code?: number;
  /**
   * The code the worker's own code passed to `process.exit`, where the platform can tell
   * (a child process ends with a code only that way; a thread says so in an ExitMessage).
   */
  readonly exitCall?: number;
  /** The signal that ended a process (`'SIGSEGV'`, `'SIGKILL'`…). */
  readonly signal?: string;
  /** Why, where the platform can tell more than the code or signal says (out of memory…). */
  readonly reason?: string;
}

/** One worker, as the scheduler drives it. */
export interface WorkerTransport {
  /** threads.js's spawn handshake. */
  spawn(): Promise<void>;
  /** Hands over our channel and the chunk states, and runs the initializer; rejects with its error. */
  connect(shared: SharedArrayBuffer | null, init: InitSpec | null): Promise<void>;
  /** Posts a batch; throws (DataCloneError) if something in it cannot be cloned. */
  post(batch: HostMessage[], transfers: object[] | undefined): void;
  /** Handles now, through `events.message`, what the worker already posted; false where impossible or none. */
  drain(): boolean;
  /** Whether this worker keeps the host process alive. */
  setRef(ref: boolean): void;
  terminate(): void;
  /** Lets threads.js's spawn() settle when the worker died while starting. */
  releaseSpawn(): void;
  /** The thread id (or, for a process, its pid). */
  readonly threadId: number;
}

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
  /** True where SharedArrayBuffer can be shared with a worker (browsers: cross-origin isolated pages). */
  sharedMemory(): boolean;
  /** Throws TypeError for a pool option this platform cannot honour. */
  checkPoolOptions(where: string, options: Readonly<Record<string, unknown>>): void;
  /** task(module): the module's URL, checked as far as this platform can; throws TypeError with a hint. */
  moduleUrl(module: string | URL): URL;
  /** Makes a worker thread (not started yet). */
  spawnWorker(options: SpawnOptions, events: WorkerEvents): WorkerTransport;
  /** Makes a child-process worker (not started yet); undefined where there are none (browsers). */
  readonly spawnProcess?: (options: ProcessSpawnOptions, events: WorkerEvents) => WorkerTransport;
}

/** How one pool makes its workers: threads or processes, with the pool's options bound. */
export interface WorkerSpawner {
  /** Chunk states live in shared memory (else the host holds them and the worker claims by message). */
  readonly sharedMemory: boolean;
  /** What a worker is, in error messages: 'worker thread', 'worker process'. */
  readonly noun: string;
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

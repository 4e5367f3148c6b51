/**
 * The pool's workers: how many there are, which one gets the next chunk, when one is
 * started, retired after idleTimeout or maxTasksPerWorker, or replaced after a death,
 * and when repeated start failures mean the executor is broken.
 */
import { platform } from '#platform';
import { BrokenExecutorError } from '../core/errors.js';
import type { InitSpec, WorkerMessage } from '../protocol.cjs';
import type { WorkerSpawner } from '../platform/platform.js';
import { WorkerSlot, type Death, type SlotListener, type StartFailure } from './worker-slot.js';

export interface WorkerSetOptions {
  readonly maxWorkers: number;
  readonly minWorkers: number;
  readonly idleTimeout: number;
  readonly maxTasksPerWorker: number;
  readonly spawner: WorkerSpawner;
  readonly init: InitSpec | null;
}

interface Owner extends SlotListener {
  dispatch(): void;
}

/** Start failures in a row (no worker came up in between) before the executor breaks. */
const MAX_START_FAILURES = 3;

export class WorkerSet {
  readonly #slots: WorkerSlot[] = [];
  /** Removed from the pool, not yet exited. */
  readonly #dying = new Set<WorkerSlot>();
  #owner!: Owner;
  #startFailures = 0;
  #closing = false;
  /** Called once, when the pool can no longer start workers. */
  onBroken: (error: BrokenExecutorError) => void = () => {};

  constructor(readonly options: WorkerSetOptions) {}

  bind(owner: Owner): void {
    this.#owner = owner;
  }

  all(): readonly WorkerSlot[] {
    return this.#slots;
  }

  /** The ready worker with the fewest chunks in flight, below `depth`. */
  pick(depth: number): WorkerSlot | undefined {
    let best: WorkerSlot | undefined;
    let starting = false;
    for (const s of this.#slots) {
      if (!s.ready) {
        starting ||= !s.dead;
        continue;
      }
      if (s.itemsSent >= this.options.maxTasksPerWorker || !s.hasRoom()) continue;
      if (!best || s.inflight.size < best.inflight.size) best = s;
    }
    if (!best || best.inflight.size >= depth) return undefined;
    // While another worker is starting, a busy one takes no more: the newcomer gets it.
    if (best.inflight.size > 0 && starting) return undefined;
    return best;
  }

  /** Ready workers with nothing in flight that may take more work (a snapshot: the caller may give them some). */
  idleSlots(): WorkerSlot[] {
    const idle: WorkerSlot[] = [];
    for (const s of this.#slots) {
      if (s.ready && s.inflight.size === 0 && s.hasRoom() && s.itemsSent < this.options.maxTasksPerWorker) idle.push(s);
    }
    return idle;
  }

  /** Starts workers for queued chunks that no worker can take now. */
  grow(queuedChunks: number): void {
    if (this.#closing || queuedChunks === 0) return;
    let live = 0;
    let starting = 0;
    for (const s of this.#slots) {
      if (s.dead) continue;
      live++;
      if (!s.ready) starting++;
    }
    const want = Math.min(this.options.maxWorkers, Math.max(this.options.minWorkers, live + queuedChunks - starting));
    for (let n = live; n < want; n++) this.#spawn();
  }

  #spawn(): void {
    const slot = new WorkerSlot(this.#owner, { spawner: this.options.spawner, init: this.options.init });
    this.#slots.push(slot);
    slot.start().then(
      () => {
        this.#startFailures = 0;
        this.noteAnswered(slot);
        this.#owner.dispatch();
      },
      (failure: StartFailure) => this.#startFailed(slot, failure),
    );
  }

  #startFailed(slot: WorkerSlot, failure: StartFailure): void {
    // Terminated on purpose while starting (shutdown, say): that says nothing of the initializer.
    const wanted = slot.terminating || this.#closing;
    slot.terminate('failed to start');
    this.remove(slot, false);
    if (wanted) return;
    const err = failure.error;
    const reason = err instanceof Error ? err.message : String(err);
    const initFailed = failure.stage === 'init';
    if (initFailed || ++this.#startFailures >= MAX_START_FAILURES) {
      this.#closing = true;
      this.onBroken(
        new BrokenExecutorError(
          initFailed
            ? `the executor is broken: its initializer failed in a new worker (${reason}); fix the initializer and create a new executor`
            : `the executor is broken: workers cannot start (${reason})`,
          { cause: err },
        ),
      );
      return;
    }
    this.#owner.dispatch();
  }

  noteBusy(slot: WorkerSlot): void {
    clearTimeout(slot.idleTimer);
    slot.idleTimer = undefined;
  }

  /** After a worker answered: retire it if it has done its share, or time it out when idle. */
  noteAnswered(slot: WorkerSlot): void {
    if (slot.inflight.size > 0 || !slot.ready) return;
    if (slot.itemsSent >= this.options.maxTasksPerWorker) {
      slot.terminate('retired after maxTasksPerWorker');
      this.remove(slot, true);
      return;
    }
    slot.setBusy(false);
    if (this.live() > this.options.minWorkers && slot.idleTimer === undefined) {
      slot.idleTimer = setTimeout(() => {
        if (slot.inflight.size === 0 && this.live() > this.options.minWorkers) {
          slot.terminate('idle');
          this.remove(slot, false);
        }
      }, this.options.idleTimeout);
      platform.unrefTimer(slot.idleTimer);
    }
  }

  /** Forgets a worker; a replacement starts when `replace` and the pool is open. */
  remove(slot: WorkerSlot, replace: boolean): void {
    const i = this.#slots.indexOf(slot);
    if (i < 0) return;
    this.#slots.splice(i, 1);
    clearTimeout(slot.idleTimer);
    if (!slot.dead) {
      // Still exiting: shutdown({ wait: true }) must wait for it too.
      this.#dying.add(slot);
      void slot.exited.then(() => this.#dying.delete(slot));
    }
    // One that never came up is not replaced here: #startFailed decides (and counts).
    if (replace && slot.started && !this.#closing && this.live() < this.options.maxWorkers) this.#spawn();
  }

  live(): number {
    let n = 0;
    for (const s of this.#slots) if (!s.dead) n++;
    return n;
  }

  idle(): number {
    let n = 0;
    for (const s of this.#slots) if (s.ready && s.inflight.size === 0) n++;
    return n;
  }

  running(): number {
    let n = 0;
    for (const s of this.#slots) n += s.busyNow();
    return n;
  }

  /** Stops every worker; resolves once all have exited. */
  async close(): Promise<void> {
    this.#closing = true;
    const slots = [...this.#slots];
    await Promise.all([...slots.map((s) => s.terminateAndWait('shutdown')), ...[...this.#dying].map((s) => s.exited)]);
    this.#slots.length = 0;
  }
}

export type { Death, WorkerMessage };

/**
 * Claim-ahead, for workers without shared memory (child processes). Such a worker asks the
 * host before it starts each chunk: a round trip (~0.1–0.2 ms between processes here) that
 * costs more than a tiny chunk's work. So a chunk of a task whose chunks took under
 * CLAIM_AHEAD_MS on average goes, already claimed, to a worker whose one chunk in flight is
 * of such a task too, as Python's call queue hands tasks over: it starts without asking. It
 * counts as running (cancel() is false for it). Cancelled, or left behind by a dead worker,
 * before it started, it is known not to have run (the scheduler skips or requeues it); if
 * the chunk ahead of it turns out long, it is recalled for an idle worker, which its worker
 * answers as soon as its event loop is free (a long synchronous chunk holds it until it ends).
 */
import { platform } from '#platform';
import { RUNNING } from '../protocol.cjs';
import type { PoolChunk } from './pool-chunk.js';
import type { WorkerSlot } from './worker-slot.js';

/** A task's chunks under this, on average (ms), go claimed. */
const CLAIM_AHEAD_MS = 1;
/** Chunks of a task measured before its average counts (the first ones load modules, compile). */
const CLAIM_AHEAD_AFTER = 8;
/** A claimed chunk is recalled once it has waited this long, or 10 chunks' time. */
const RECALL_AFTER_MS = 2;

export class ClaimAhead {
  /** Per task: a moving average of its chunks' run time, ms, and how many were measured. */
  readonly #taskMs = new Map<number, { ms: number; n: number }>();
  /** Looks again for a chunk to recall once one will be due. */
  #recallTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    /** The spawner allows it (see WorkerSpawner.claimAhead). */
    private readonly enabled: boolean,
    /** Called when a recall that was not yet due may be now. */
    private readonly lookAgain: () => void,
  ) {}

  /** A chunk of `task` ran for `ms` on a worker. */
  measure(task: number, ms: number): void {
    const t = this.#taskMs.get(task);
    if (!t) this.#taskMs.set(task, { ms, n: 1 });
    else {
      t.ms = t.ms * 0.8 + ms * 0.2;
      t.n++;
    }
  }

  /** Whether `chunk` goes to `slot` already claimed. */
  claims(slot: WorkerSlot, chunk: PoolChunk): boolean {
    if (!this.enabled || slot.inflight.size > 1 || !this.#tiny(chunk)) return false;
    for (const ahead of slot.inflight.values()) if (!this.#tiny(ahead)) return false;
    return true;
  }

  #tiny(chunk: PoolChunk): boolean {
    const t = this.#taskMs.get(chunk.task.id);
    return t !== undefined && t.n >= CLAIM_AHEAD_AFTER && t.ms < CLAIM_AHEAD_MS;
  }

  /** Asks back, for `idle` idle workers, claimed chunks that wait behind a slow one. */
  recall(slots: readonly WorkerSlot[], idle: number, avgChunkMs: number): void {
    if (!this.enabled) return;
    for (let i = 0; i < idle; i++) {
      const { due, at } = chunkToRecall(slots, avgChunkMs);
      if (due) {
        due.chunk.recalling = true;
        due.slot.postRecall(due.chunk);
        continue;
      }
      // Not yet due: look again then (nothing else may happen before, with every worker busy).
      if (at !== undefined && this.#recallTimer === undefined) {
        this.#recallTimer = setTimeout(
          () => {
            this.#recallTimer = undefined;
            this.lookAgain();
          },
          Math.max(1, Math.ceil(at - performance.now())),
        );
        platform.unrefTimer(this.#recallTimer); // busy workers keep the host alive
      }
      return;
    }
  }
}

/**
 * The oldest chunk handed over claimed that still waits behind another chunk of its worker
 * and has waited long enough to recall (`due`), else when the next one will have (`at`, a
 * performance.now() time), if any.
 */
export function chunkToRecall(
  slots: readonly WorkerSlot[],
  avgChunkMs: number,
): { due?: { slot: WorkerSlot; chunk: PoolChunk }; at?: number } {
  const now = performance.now();
  const after = Math.max(RECALL_AFTER_MS, 10 * avgChunkMs);
  let due: { slot: WorkerSlot; chunk: PoolChunk } | undefined;
  let at: number | undefined;
  for (const slot of slots) {
    if (!slot.ready) continue;
    for (const chunk of slot.inflight.values()) {
      if (!chunk.claimedAhead || chunk.recalling || chunk.state !== 'sent' || slot.ringState(chunk) !== RUNNING)
        continue;
      if (!slot.waitsBehind(chunk)) continue;
      const ready = chunk.sentAt + after;
      if (ready <= now) {
        if (!due || chunk.id < due.chunk.id) due = { slot, chunk };
      } else if (at === undefined || ready < at) {
        at = ready;
      }
    }
  }
  return { due, at };
}

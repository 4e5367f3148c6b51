/**
 * The one way a running chunk is stopped (unsubscription with cancelRunning, taskTimeout):
 * the scheduler settles it at once with the reason; here the worker is asked to abort the
 * task's signal, and given time. A worker that answers (its thread was free to hear it) and
 * whose task then settles within cancelGrace is kept, so the next task starts at once on
 * the same thread. One that does not answer within its spawner's hearMs (its thread is in
 * synchronous code: no signal can reach the task, so waiting would only keep the CPU busy), or whose
 * task has not settled after cancelGrace, is terminated and replaced.
 */
import { platform } from '#platform';
import type { PoolChunk } from './pool-chunk.js';
import type { WorkerSlot } from './worker-slot.js';

/**
 * The default cancelGrace, ms. A task that listens settles within a millisecond or two of
 * the abort here (spec/thread-pool/cooperative-cancel.spec.ts); 50 ms leaves room for a
 * loaded machine and stays well under the ~30 ms + grace a respawn would cost otherwise.
 */
export const DEFAULT_CANCEL_GRACE = 50;

/** True while a stopped chunk's worker still has time: it heard, and its grace timer has not fired. */
export function stillInGrace(chunk: PoolChunk): boolean {
  return chunk.heard && !chunk.graceOver;
}

export function beginStop(slot: WorkerSlot, chunk: PoolChunk, error: Error, terminate: () => void): void {
  const grace = chunk.limits.graceMs;
  if (grace <= 0 || slot.dead) return terminate();
  slot.postAbort(chunk, error);
  chunk.stoppedAt = performance.now();
  // Judged one macrotask later: an answer already posted (a browser cannot drain its port
  // synchronously) is handled first.
  chunk.stopTimer = setTimeout(() => platform.macrotask(terminate), Math.min(grace, slot.spawner.hearMs));
}

/** The worker heard: its task has the rest of cancelGrace to settle. */
export function answeredStop(chunk: PoolChunk, terminate: () => void): void {
  if (chunk.stopTimer === undefined || chunk.heard) return;
  chunk.heard = true;
  clearTimeout(chunk.stopTimer);
  const left = chunk.limits.graceMs - (performance.now() - chunk.stoppedAt);
  // The timer itself says the grace is over: timers round, so the clock may disagree by a fraction.
  chunk.stopTimer = setTimeout(
    () => {
      chunk.graceOver = true;
      terminate();
    },
    Math.max(0, Math.ceil(left)),
  );
}

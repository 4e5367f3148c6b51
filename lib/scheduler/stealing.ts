/**
 * Stealing: no worker may idle while a chunk waits behind another. Chunks are sent a few
 * ahead to each worker (so tiny tasks never wait for a round trip); an idle worker takes
 * the oldest of them that its worker has not claimed yet and would run only after
 * something else. The ring's compare-exchange makes the owner's claim and this withdrawal
 * exclusive, so a chunk never runs twice. The scheduler steals only when its own queue is
 * empty: while it has chunks, the idle worker gets those, and send-ahead stays as deep.
 */
import { QUEUED, RUNNING, STOP, WITHDRAWN } from '../protocol.cjs';
import type { PoolChunk } from './pool-chunk.js';
import type { WorkerSlot } from './worker-slot.js';

/**
 * The oldest unclaimed chunk that would wait behind another unfinished chunk of its worker
 * (running, or queued and next in line), already withdrawn from that worker's ring for
 * `thief`. Not only behind a running one: a worker claims without telling the host, so a
 * thief that waited to see it running might never be woken again.
 */
export function takeWaitingChunk(
  slots: readonly WorkerSlot[],
  thief: WorkerSlot,
): { slot: WorkerSlot; chunk: PoolChunk } | undefined {
  // The oldest first (ids grow with submission): the head of an ordered map is freed first.
  // A candidate that its worker claims meanwhile fails the compare-exchange: look again.
  for (let tries = 0; tries < 4; tries++) {
    let best: { slot: WorkerSlot; chunk: PoolChunk } | undefined;
    for (const slot of slots) {
      if (slot === thief || !slot.ready || slot.inflight.size < 2) continue;
      let ahead = false;
      for (const chunk of slot.inflight.values()) {
        const state = slot.ringState(chunk);
        if (state !== QUEUED) {
          ahead ||= state === RUNNING || state === STOP;
          continue;
        }
        // Moved buffers live in that worker now; a chunk this thief skipped must be acknowledged first.
        const takeable = ahead && !chunk.moved && chunk.state === 'sent' && !thief.awaitsSkip(chunk.id);
        ahead = true;
        if (takeable && (!best || chunk.id < best.chunk.id)) best = { slot, chunk };
        if (takeable) break; // later chunks of this worker are younger
      }
    }
    if (!best) return undefined;
    if (best.slot.compareExchangeRing(best.chunk, QUEUED, WITHDRAWN) === QUEUED) return best;
  }
  return undefined;
}

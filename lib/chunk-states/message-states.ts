import { DONE, QUEUED, RING_SIZE, RUNNING, STOP, type ClaimMessage, type WorkerMessage } from '../protocol.cjs';
import type { ChunkStates, Reply } from './chunk-states.js';

/**
 * Chunk states held by the host, for workers that share no memory with it: the worker
 * asks to claim each chunk (a ClaimMessage) and waits for the answer, so a withdrawal
 * here is still exact and synchronous. Costs one round trip per chunk (measured in the
 * browser benchmark), which is why tiny chunks may be handed over already claimed
 * (reset(ring, true)). The host does not see which item a chunk is on.
 */
export class MessageStates implements ChunkStates {
  readonly buffer = null;
  readonly #states = new Int32Array(RING_SIZE);
  /** Ring slots of chunks claimed (or handed over claimed) and not done: the worker runs the oldest. */
  readonly #claimed = new Set<number>();

  constructor(private readonly reply: Reply) {}

  reset(ring: number, claimed: boolean): void {
    this.#states[ring] = claimed ? RUNNING : QUEUED;
    if (claimed) this.#claimed.add(ring);
  }

  forget(ring: number): void {
    this.#claimed.delete(ring);
  }

  state(ring: number): number {
    return this.#states[ring]!;
  }

  compareExchange(ring: number, expected: number, replacement: number): number {
    const old = this.#states[ring]!;
    if (old !== expected) return old;
    this.#states[ring] = replacement;
    if (replacement === STOP) this.reply({ c: 'stop', ring });
    return old;
  }

  progress(): undefined {
    return undefined;
  }

  busy(): number {
    return this.#claimed.size > 0 ? 1 : 0;
  }

  handle(m: WorkerMessage): m is ClaimMessage {
    if (m.k === 'claim') {
      const ok = this.compareExchange(m.ring, QUEUED, RUNNING) === QUEUED;
      if (ok) this.#claimed.add(m.ring);
      this.reply({ c: 'claimed', ring: m.ring, ok });
      return true;
    }
    // A skipped (withdrawn) chunk's acknowledgement leaves its state as it is.
    if (m.k === 'done') {
      const state = this.#states[m.ring];
      if (state === RUNNING || state === STOP) {
        this.#states[m.ring] = DONE;
        this.#claimed.delete(m.ring);
      }
    }
    return false;
  }
}

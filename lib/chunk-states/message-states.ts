import { DONE, QUEUED, RING_SIZE, RUNNING, STOP, type ClaimMessage, type WorkerMessage } from '../protocol.cjs';
import type { ChunkStates, Reply } from './chunk-states.js';

/**
 * Chunk states held by the host, for workers that share no memory with it: the worker
 * asks to claim each chunk (a ClaimMessage) and waits for the answer, so a withdrawal
 * here is still exact and synchronous. Costs one round trip per chunk (measured in the
 * browser benchmark). The host does not see which item a chunk is on.
 */
export class MessageStates implements ChunkStates {
  readonly buffer = null;
  readonly #states = new Int32Array(RING_SIZE);
  /** The ring slot of the chunk the worker runs (it runs one at a time), or -1. */
  #active = -1;

  constructor(private readonly reply: Reply) {}

  reset(ring: number): void {
    this.#states[ring] = QUEUED;
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
    return this.#active >= 0 ? 1 : 0;
  }

  handle(m: WorkerMessage): m is ClaimMessage {
    if (m.k === 'claim') {
      const ok = this.compareExchange(m.ring, QUEUED, RUNNING) === QUEUED;
      if (ok) this.#active = m.ring;
      this.reply({ c: 'claimed', ring: m.ring, ok });
      return true;
    }
    // Messages keep their order: an outcome after a claim is that chunk's (a skipped
    // chunk's acknowledgement comes only between two runs, when none is active).
    if (m.k === 'done' && this.#active >= 0) {
      this.#states[this.#active] = DONE;
      this.#active = -1;
    }
    return false;
  }
}

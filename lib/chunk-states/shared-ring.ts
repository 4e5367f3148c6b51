import {
  QUEUED,
  RUNNING,
  SHARED_BUSY,
  SHARED_LENGTH,
  SHARED_PROGRESS_START,
  SHARED_RING_START,
  type ClaimMessage,
  type WorkerMessage,
} from '../protocol.cjs';
import type { ChunkStates } from './chunk-states.js';

/** Chunk states in a SharedArrayBuffer: claims and withdrawals need no message. */
export class SharedRing implements ChunkStates {
  readonly buffer = new SharedArrayBuffer(SHARED_LENGTH * 4);
  readonly #view = new Int32Array(this.buffer);

  reset(ring: number, claimed: boolean): void {
    Atomics.store(this.#view, SHARED_RING_START + ring, claimed ? RUNNING : QUEUED);
  }

  forget(): void {} // the worker holds nothing else about it

  state(ring: number): number {
    return Atomics.load(this.#view, SHARED_RING_START + ring);
  }

  compareExchange(ring: number, expected: number, replacement: number): number {
    return Atomics.compareExchange(this.#view, SHARED_RING_START + ring, expected, replacement);
  }

  progress(ring: number): number {
    return Atomics.load(this.#view, SHARED_PROGRESS_START + ring);
  }

  busy(): number {
    return Atomics.load(this.#view, SHARED_BUSY);
  }

  handle(m: WorkerMessage): m is ClaimMessage {
    void m; // the worker claims in shared memory: it sends no claim
    return false;
  }
}

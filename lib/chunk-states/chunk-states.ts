/**
 * The host's side of the chunk states (QUEUED → RUNNING | WITHDRAWN, RUNNING → STOP | DONE,
 * protocol.cts): one interface, two twins. With shared memory the worker claims a chunk
 * and the host withdraws it by compare-exchange in a SharedArrayBuffer, with no message;
 * without (a browser page that is not cross-origin isolated) the host holds the states
 * and the worker asks it before starting a chunk, one round trip per chunk.
 */
import type { ClaimMessage, HostMessage, WorkerMessage } from '../protocol.cjs';

export interface ChunkStates {
  /** What `connect` hands the worker: the shared buffer, or null for the message twin. */
  readonly buffer: SharedArrayBuffer | null;
  /** A chunk is being sent in ring slot `ring`; `claimed`: handed over already claimed (RUNNING). */
  reset(ring: number, claimed: boolean): void;
  /** The chunk in `ring` left its worker without an outcome (its send failed, or it was recalled). */
  forget(ring: number): void;
  state(ring: number): number;
  compareExchange(ring: number, expected: number, replacement: number): number;
  /** The item a started chunk is on; undefined where the host cannot know. */
  progress(ring: number): number | undefined;
  /** 1 while the worker runs an item. */
  busy(): number;
  /** Handles a chunk-state message of the worker (a claim); false for any other, which goes on to the scheduler. */
  handle(m: WorkerMessage): m is ClaimMessage;
}

export type Reply = (m: HostMessage) => void;

/** What the scheduler gets from a worker: everything but the chunk states' own messages. */
export type SchedulerMessage = Exclude<WorkerMessage, ClaimMessage>;

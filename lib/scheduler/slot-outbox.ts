/**
 * What a slot sends its worker next. Chunks and control messages queued in one tick travel
 * as one batch (flushed by platform.soon, after the current burst): far fewer messages for
 * tiny tasks, and one write per tick for a child process (~40 µs each here). A batch the
 * channel refuses goes message by message, to find the chunks that cannot go.
 */
import { platform } from '#platform';
import type { HostMessage, RunMessage } from '../protocol.cjs';

/** Where batches go, and what the outbox tells its slot. */
export interface OutboxTarget {
  /** Posts a batch; throws if the channel refuses something in it. */
  post(batch: HostMessage[], transfers: object[] | undefined): void;
  /** The worker is gone: what was queued is its exit's business. */
  dead(): boolean;
  /** The channel refused chunk `id` on its own. */
  refused(id: number): void;
}

export class SlotOutbox {
  #batch: HostMessage[] = [];
  #transfers: object[] | undefined;
  #scheduled = false;
  /** Tasks whose definition the worker has: the first chunk of a task carries it. */
  readonly knownTasks = new Set<number>();

  constructor(private readonly target: OutboxTarget) {}

  /** Queues `m` (and buffers it moves) for this tick's batch. */
  push(m: HostMessage, transfers?: readonly object[]): void {
    this.#batch.push(m);
    if (transfers?.length) (this.#transfers ??= []).push(...transfers);
    if (this.#scheduled) return;
    this.#scheduled = true;
    platform.soon(this.flush);
  }

  /** Sends what is queued now. */
  readonly flush = (): void => {
    this.#scheduled = false;
    const batch = this.#batch;
    const transfers = this.#transfers;
    this.#batch = [];
    this.#transfers = undefined;
    if (this.target.dead() || batch.length === 0) return; // the exit handler re-queues what was held
    try {
      this.target.post(batch, transfers);
    } catch {
      this.#oneByOne(batch); // something in it cannot be sent: find it
    }
  };

  #oneByOne(batch: HostMessage[]): void {
    const lostDefs = new Map<number, RunMessage['def']>();
    for (let msg of batch) {
      if ('c' in msg) {
        try {
          this.target.post([msg], undefined); // control messages are plain data
        } catch {
          // a worker going away: its exit settles what it held
        }
        continue;
      }
      if (!msg.def && lostDefs.has(msg.task)) msg = { ...msg, def: lostDefs.get(msg.task) };
      try {
        this.target.post([msg], undefined);
        if (lostDefs.delete(msg.task)) this.knownTasks.add(msg.task);
      } catch {
        if (msg.def) {
          // The definition never arrived: the task's next chunk must carry it.
          lostDefs.set(msg.task, msg.def);
          this.knownTasks.delete(msg.task);
        }
        this.target.refused(msg.id);
      }
    }
  }
}

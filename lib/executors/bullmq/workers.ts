/**
 * Worker processes announce themselves in one Redis hash (a heartbeat each HEARTBEAT_MS); an
 * executor reads it to count the workers serving its queue and how many jobs they take at once.
 * BullMQ's getWorkers() would need CLIENT LIST, which managed Redis often forbids.
 */
import type { Redis } from 'ioredis';
import { HEARTBEAT_MS, WORKER_FRESH_MS, type QueueKeys, type WorkerBeat } from './names.js';

/** Beats older than this are deleted by whoever reads them. */
const FORGET_MS = 60_000;

/** Worker side: beats until stopped; stopping deletes the entry at once. */
export function startHeartbeat(
  client: Redis,
  keys: QueueKeys,
  id: string,
  beat: () => WorkerBeat,
): { stop(): Promise<void> } {
  const send = () => client.hset(keys.workers, id, JSON.stringify(beat())).catch(() => undefined);
  void send();
  const timer = setInterval(send, HEARTBEAT_MS);
  return {
    async stop() {
      clearInterval(timer);
      await client.hdel(keys.workers, id).catch(() => undefined);
    },
  };
}

/** Executor side: the live workers, read every 2 heartbeats. */
export class WorkerRegistry {
  #live: WorkerBeat[] = [];
  /**
   * Per worker id, its last beat and when (by our clock) we saw it change: a worker is live
   * while its beat keeps changing, whatever the skew between its clock and ours.
   */
  readonly #seen = new Map<string, { at: number; changedAt: number }>();
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly client: Redis,
    private readonly keys: QueueKeys,
    private readonly changed: () => void,
  ) {}

  start(): void {
    void this.read();
    this.#timer = setInterval(() => void this.read(), 2 * HEARTBEAT_MS);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /** Worker processes seen serving the queue. */
  count(): number {
    return this.#live.length;
  }

  /** Jobs the live workers take at once, all together. */
  capacity(): number {
    return this.#live.reduce((n, w) => n + w.concurrency, 0);
  }

  async read(): Promise<void> {
    if (this.client.status !== 'ready') return;
    let all: Record<string, string>;
    try {
      all = await this.client.hgetall(this.keys.workers);
    } catch {
      return;
    }
    const now = Date.now();
    const live: WorkerBeat[] = [];
    const forget: string[] = [];
    for (const [id, text] of Object.entries(all)) {
      let beat: WorkerBeat;
      try {
        beat = JSON.parse(text) as WorkerBeat;
      } catch {
        forget.push(id);
        continue;
      }
      const seen = this.#seen.get(id);
      // First sight: its own clock is all there is to go by.
      const changedAt = seen === undefined ? beat.at : seen.at === beat.at ? seen.changedAt : now;
      this.#seen.set(id, { at: beat.at, changedAt });
      if (now - changedAt < WORKER_FRESH_MS) live.push(beat);
      else if (now - changedAt > FORGET_MS) {
        forget.push(id);
        this.#seen.delete(id);
      }
    }
    if (forget.length > 0) void this.client.hdel(this.keys.workers, ...forget).catch(() => undefined);
    const before = this.#live.length;
    this.#live = live;
    if (live.length !== before) this.changed();
  }
}

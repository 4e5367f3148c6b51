/**
 * The executor's one QueueEvents, kept alive. BullMQ's read loop parses some fields of each
 * stream entry (a 'completed' return value, a 'progress' value) and stops for good when one
 * is not JSON: one foreign or corrupt entry would leave every later future to the slow
 * reconciler, and progress would never arrive again. So when the loop dies, a new
 * QueueEvents starts after the entry that killed it, and the pending jobs are read back.
 */
import { QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import type { QueueKeys } from './names.js';
import { listenForResults, type ResultEvents } from './results.js';

/** Entries read per page while looking for the one that killed the loop. */
const SCAN = 1000;
/** Pause before a restart whose cause was not found, so that a loop that keeps dying does not spin. */
const RETRY_MS = 500;

export interface EventsListenerHooks extends ResultEvents {
  /** The id of the last stream entry handled. */
  lastRead(): string;
  /** The loop was restarted: outcomes between may have been skipped. */
  restarted(): void;
}

export class EventsListener {
  #events: QueueEvents | undefined;
  #closed = false;

  constructor(
    private readonly blocking: Redis,
    private readonly client: Redis,
    private readonly keys: QueueKeys,
    private readonly on: EventsListenerHooks,
  ) {}

  /** Listens from after stream entry `from`; resolves once the first read is out (or failed). */
  async start(from: string): Promise<void> {
    const events = new QueueEvents(this.keys.queue, { connection: this.blocking, lastEventId: from, autorun: false });
    events.on('error', () => {}); // connection errors: BullMQ retries them itself
    listenForResults(events, this.on);
    this.#events = events;
    events.run().then(
      () => undefined,
      () => void this.#died(events).catch(() => undefined),
    );
    // A connection that drops meanwhile fails this wait, not the loop: QueueEvents retries by
    // itself, and a loop that dies is restarted. So this resolves either way.
    await events.waitUntilReady().catch(() => undefined);
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#events?.close();
  }

  async #died(events: QueueEvents): Promise<void> {
    events.removeAllListeners();
    events.on('error', () => {}); // BullMQ prints errors nobody listens to
    await events.close(); // it does not own the connection: that stays for the next one
    if (this.#closed || this.#events !== events) return;
    const poisoned = await this.#poisoned().catch(() => undefined);
    if (poisoned === undefined) await new Promise((r) => setTimeout(r, RETRY_MS));
    else this.on.read(poisoned); // skipped for good: the next death looks past it
    if (this.#closed) return;
    await this.start(this.on.lastRead());
    this.on.restarted();
  }

  /** The id of the first entry after the last one read that BullMQ cannot parse, if any. */
  async #poisoned(): Promise<string | undefined> {
    // Page by page to the end: events with no listener here (drained, delayed…) do not move
    // lastRead, so the entry that killed the loop can lie more than a page past it.
    for (let from = `(${this.on.lastRead()}`; ;) {
      const entries = await this.client.xrange(this.keys.events, from, '+', 'COUNT', SCAN);
      const bad = firstUnreadable(entries);
      if (bad !== undefined || entries.length < SCAN) return bad;
      from = `(${entries.at(-1)![0]}`;
    }
  }
}

/** The id of the first entry whose JSON fields BullMQ's QueueEvents would fail to parse. */
function firstUnreadable(entries: [id: string, fields: string[]][]): string | undefined {
  for (const [id, fields] of entries) {
    const f: Record<string, string> = {};
    for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i]!] = fields[i + 1]!;
    try {
      if (f.event === 'progress') JSON.parse(f.data!);
      else if (f.event === 'completed') JSON.parse(f.returnvalue!);
    } catch {
      return id;
    }
  }
  return undefined;
}

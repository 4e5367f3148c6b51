/**
 * Whether Redis answers, as the executor's command connection sees it, and since when it has
 * not: what decides how long a new job may wait to be queued and when pending futures give up.
 */
import type { Redis } from 'ioredis';
import { RedisUnreachableError } from './errors.js';
import { watchPings, type PingWatch } from './watchdog.js';

/** How often Redis is pinged. */
const PING_MS = 1000;
/** A ready connection whose Redis has not answered for this long is dropped (and remade). */
const SILENT_MS = 3000;

export interface LinkEvents {
  /** Redis answers again (or for the first time). */
  up(afterOutage: boolean): void;
  /** The connection dropped. */
  down(): void;
}

export class RedisLink {
  #downSince: number | undefined = Date.now();
  #lastError: Error | undefined;
  #wasUp = false;
  readonly #watch: PingWatch;

  constructor(
    private readonly client: Redis,
    /** Where it points, for messages. */
    readonly where: string,
    events: LinkEvents,
  ) {
    client.on('ready', () => {
      const afterOutage = this.#wasUp;
      this.#wasUp = true;
      this.#downSince = undefined;
      this.#lastError = undefined;
      events.up(afterOutage);
    });
    const lost = () => {
      if (this.#downSince !== undefined) return;
      this.#downSince = Date.now();
      events.down();
    };
    client.on('close', lost);
    client.on('end', lost);
    client.on('error', (err: Error) => (this.#lastError = err));
    // A frozen Redis keeps the socket open and never answers: without this, nothing waiting
    // on it would ever fail. Dropping the connection makes it 'down' (new submits fail after
    // their grace, pending futures after unreachableTimeout); the reconnect is 'ready' only
    // once Redis answers again.
    this.#watch = watchPings(client, PING_MS, SILENT_MS, () => {
      if (client.status !== 'ready') return;
      this.#lastError = new Error(
        `Redis accepted the connection but answered no PING for ${SILENT_MS} ms (stopped, hung or overloaded)`,
      );
      client.disconnect(true);
    });
  }

  stop(): void {
    this.#watch.stop();
  }

  ready(): boolean {
    return this.client.status === 'ready';
  }

  /** ms since Redis last answered; 0 while it does. */
  downFor(): number {
    return this.#downSince === undefined ? 0 : Date.now() - this.#downSince;
  }

  /** The error a future gets when Redis is out of reach, saying for how long and why. */
  unreachable(what: string): RedisUnreachableError {
    const why = this.#lastError ? ` (last error: ${this.#lastError.message})` : '';
    return new RedisUnreachableError(
      this.where,
      `${what}; no answer for ${this.downFor()} ms${why}. Check that Redis runs and is reachable from here`,
      this.#lastError ? { cause: this.#lastError } : undefined,
    );
  }
}

/**
 * A Redis that is frozen (SIGSTOP, a hung host, a full network buffer) keeps its TCP
 * connection open: ioredis stays 'ready' and every command waits forever. Only an answer
 * proves that Redis is there, so this pings it and says when answers stopped coming. Any
 * answer counts, not only the ping's: behind a burst (100,000 jobs added at once) the ping
 * waits its turn for seconds while Redis answers everything before it.
 */
import type { Redis } from 'ioredis';

export interface PingWatch {
  /** ms that Redis has owed an answer (a ping out, or no connection), 0 when it owes none. */
  silentFor(): number;
  stop(): void;
}

/**
 * Pings `client` every `everyMs` (one ping at a time); calls `silent()` at each tick once a
 * ping has gone unanswered, or the client has not been connected, for `limitMs`.
 */
export function watchPings(client: Redis, everyMs: number, limitMs: number, silent: () => void): PingWatch {
  /** When the ping that is out was sent (undefined: none is out). */
  let sentAt: number | undefined;
  /** Since when the client has not been 'ready' (ioredis checks a new connection first). */
  let downSince: number | undefined;
  let lastTick = Date.now();
  /** Bytes read from the connection's socket at the last tick (a new socket starts again). */
  let lastRead = -1;
  const silentFor = (now: number) =>
    Math.max(sentAt === undefined ? 0 : now - sentAt, downSince === undefined ? 0 : now - downSince);
  const timer = setInterval(() => {
    const now = Date.now();
    const read = bytesRead(client);
    // The ping that is out gets a fresh chance after a late tick (this process was busy: an
    // answer may wait unread in the socket, as timers run before I/O), or when answers came
    // since the last tick (Redis is there; the ping is only queued behind them).
    if (sentAt !== undefined && (now - lastTick > 2 * everyMs || read !== lastRead)) sentAt = now;
    lastTick = now;
    lastRead = read;
    if (client.status === 'ready') downSince = undefined;
    else downSince ??= now;
    if (silentFor(now) >= limitMs) silent();
    if (sentAt !== undefined || client.status !== 'ready') return;
    const sent = (sentAt = now);
    client.ping().then(
      () => sentAt === sent && (sentAt = undefined),
      () => sentAt === sent && (sentAt = undefined), // refused at once (disconnected): downSince counts
    );
  }, everyMs);
  timer.unref();
  return {
    silentFor: () => silentFor(Date.now()),
    stop: () => clearInterval(timer),
  };
}

/** What the client's current socket has read so far (ioredis keeps it as `stream`). */
function bytesRead(client: Redis): number {
  return (client as unknown as { stream?: { bytesRead?: number } }).stream?.bytesRead ?? 0;
}

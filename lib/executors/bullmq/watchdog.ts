/**
 * A Redis that is frozen (SIGSTOP, a hung host, a full network buffer) keeps its TCP
 * connection open: ioredis stays 'ready' and every command waits forever. Only an answer
 * proves that Redis is there, so this pings it and says when answers stopped coming.
 */
import type { Redis } from 'ioredis';

export interface PingWatch {
  /** ms since Redis last answered (0 right after it did). */
  silentFor(): number;
  stop(): void;
}

/**
 * Pings `client` every `everyMs` (one ping at a time); calls `silent()` at each tick once no
 * answer has come for `limitMs` (connecting counts as an answer: ioredis checks first).
 */
export function watchPings(client: Redis, everyMs: number, limitMs: number, silent: () => void): PingWatch {
  let lastAnswer = Date.now();
  let out = false;
  const answered = () => (lastAnswer = Date.now());
  client.on('ready', answered);
  const timer = setInterval(() => {
    if (Date.now() - lastAnswer >= limitMs) silent();
    if (out || client.status !== 'ready') return;
    out = true;
    client.ping().then(
      () => {
        answered();
        out = false;
      },
      () => (out = false), // refused at once (disconnected): no answer
    );
  }, everyMs);
  timer.unref();
  return {
    silentFor: () => Date.now() - lastAnswer,
    stop: () => {
      clearInterval(timer);
      client.off('ready', answered);
    },
  };
}

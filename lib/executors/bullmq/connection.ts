/**
 * Redis connections for both sides. We make the ioredis clients ourselves (BullMQ's ESM build
 * cannot load ioredis on its own, and each role needs its own settings), and name where they
 * point without the password, for error messages.
 */
import { Redis, type ChainableCommander, type RedisOptions } from 'ioredis';

/** `'redis://host:port'` (or `rediss://`, with user and password) or ioredis options. */
export type Connection = string | RedisOptions;

/**
 * - `commands`: fails at once while disconnected (no offline queue, which would hold a
 *   command forever), so we decide what waits and for how long.
 * - `blocking`: BullMQ's blocking reads (a Worker, QueueEvents) retry forever, as BullMQ requires.
 * - `subscriber`: pub/sub, resubscribed after a reconnect.
 */
export type Role = 'commands' | 'blocking' | 'subscriber';

/** Reconnects soon after an outage ends: 50 ms, 100 ms, … up to 1 s between tries. */
function retryStrategy(times: number): number {
  return Math.min(times * 50, 1000);
}

export function makeClient(connection: Connection, role: Role, name: string): Redis {
  const options: RedisOptions = {
    retryStrategy,
    connectionName: name,
    ...(role === 'commands'
      ? { enableOfflineQueue: false, maxRetriesPerRequest: 1 }
      : { maxRetriesPerRequest: null, enableOfflineQueue: true }),
  };
  return typeof connection === 'string'
    ? new Redis(connection, options)
    : new Redis({ ...connection, ...options, retryStrategy: connection.retryStrategy ?? retryStrategy });
}

/** Where a connection points, as `host:port` (never the password). */
export function describeConnection(connection: Connection): string {
  if (typeof connection === 'string') {
    try {
      const url = new URL(connection);
      return `${url.hostname}:${url.port || '6379'}${url.pathname.length > 1 ? url.pathname : ''}`;
    } catch {
      return 'an unparsable Redis URL';
    }
  }
  if (connection.path) return connection.path;
  return `${connection.host ?? '127.0.0.1'}:${connection.port ?? 6379}`;
}

/**
 * Runs a pipeline and gives its values in order; rejects when any command failed. ioredis
 * resolves a pipeline on a connection that is down with an error per command, which a caller
 * that reads only the values would take for answers.
 *
 * @example
 * const [a, b] = await execAll(client.pipeline().hget(key, 'a').hget(key, 'b'));
 */
export async function execAll(pipeline: ChainableCommander): Promise<unknown[]> {
  const replies = (await pipeline.exec()) ?? [];
  const failed = replies.find(([err]) => err);
  if (failed) throw failed[0];
  return replies.map(([, value]) => value);
}

/** Closes a client: QUIT when connected (pending replies arrive first), else drop it at once. */
export async function closeClient(client: Redis): Promise<void> {
  if (client.status === 'end') return;
  if (client.status === 'ready') {
    try {
      await client.quit();
      return;
    } catch {
      // fall through: it broke while quitting
    }
  }
  client.disconnect();
}

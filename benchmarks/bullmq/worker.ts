/**
 * One benchmark worker process serving both sides on the same Redis: rxjs-futures-worker's
 * serve() on one queue, and a bare BullMQ Worker (a plain processor, the same concurrency) on
 * another. Usage: node worker.js REDIS_URL QUEUE BARE_QUEUE CONCURRENCY
 */
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { fileURLToPath } from 'node:url';
import { loadAllowList } from '../../lib/executors/bullmq/allow-list.js';
import { serve } from '../../lib/executors/bullmq/serve.js';
import { inc } from './tasks.js';

const [redis, queue, bareQueue, concurrencyText] = process.argv.slice(2) as [string, string, string, string];
const concurrency = Number(concurrencyText);
const tasks = await loadAllowList([fileURLToPath(new URL('./tasks.js', import.meta.url))]);
const serving = await serve({
  redis,
  queue,
  tasks,
  threads: 1,
  concurrency,
  lockMs: 30_000,
  log: (line) => process.stderr.write(`${line}\n`),
});
const bare = new Worker(bareQueue, async (job) => inc((job.data as { x: number }).x), {
  connection: new Redis(redis, { maxRetriesPerRequest: null }),
  concurrency,
});
await bare.waitUntilReady();
process.removeAllListeners('SIGTERM');
process.on('SIGTERM', () => {
  void Promise.all([serving.close(), bare.close()]).then(() => process.exit(0));
});
process.stdout.write('ready\n');

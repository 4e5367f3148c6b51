/**
 * The worker entry of a worker thread on Node: its channel is a MessagePort handed over
 * through threads.js's one `connect` call.
 */
import type { MessagePort } from 'node:worker_threads';
import { expose } from 'threads/worker';
import type { HostMessage, WorkerMessage } from '../protocol.cjs';
import { nodeWorkerEnv } from './node-env.cjs';
import { serve } from './runtime.cjs';

const api = serve(
  nodeWorkerEnv((p, onBatch) => {
    const port = p as MessagePort;
    port.on('message', (batch: HostMessage[]) => onBatch(batch));
    return { post: (batch: WorkerMessage[], transfers) => port.postMessage(batch, transfers as never) };
  }),
);
expose(api as unknown as Record<string, (...args: any[]) => any>);

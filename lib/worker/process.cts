/**
 * The worker entry of a child process (ProcessPoolExecutor): its channel is the IPC channel
 * that `fork` opened (advanced serialization: structured-clone fidelity). No threads.js
 * here: the host connects it with a ProcessHandshake instead of threads.js's `expose`.
 */
import { serialize } from 'node:v8';
import type { HostMessage, ProcessHandshake, WorkerMessage } from '../protocol.cjs';
import { encodeError, setProbe } from './encode-error.cjs';
import { nodeWorkerEnv } from './node-env.cjs';
import { watchForOrphaning } from './orphan-watchdog.cjs';
import { serve } from './runtime.cjs';

watchForOrphaning();
if (process.argv[2]) process.title = process.argv[2];
setProbe((value) => void serialize(value)); // what the IPC channel's advanced serialization uses

const send = (m: ProcessHandshake | WorkerMessage[]): void => {
  process.send!(m);
};
let onBatch: (batch: HostMessage[]) => void = () => {};

const api = serve(
  nodeWorkerEnv((_port, handler) => {
    onBatch = handler;
    return { post: (batch) => send(batch) }; // transfer lists mean nothing across processes: values are copied
  }),
);

process.on('message', (m: HostMessage[] | ProcessHandshake) => {
  if (Array.isArray(m)) return onBatch(m);
  if ('connect' in m) {
    api.connect(null, null, m.connect).then(
      () => send({ connected: true }),
      (err: unknown) => send({ connected: false, error: encodeError(err) }),
    );
  }
});
send({ up: true });

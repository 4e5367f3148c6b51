/**
 * What goes home in the next message. Outcomes leave before the next chunk starts (so a
 * quick task's result never waits behind a slow one); acknowledgements of withdrawn
 * chunks, which cost no time, travel with them. A message that cannot be cloned fails
 * the item it belongs to, never the worker.
 */
import { packNumbers, unwrapTransfers, type DoneMessage, type WireError, type WorkerMessage } from '../protocol.cjs';
import { cloneable, probe } from './encode-error.cjs';
import { UnsendableValue } from './stream.cjs';

/** How messages reach the host (the platform's port). */
export interface Channel {
  post(batch: WorkerMessage[], transfers: object[] | undefined): void;
}

let port: Channel;
let outbox: WorkerMessage[] = [];
let outTransfers: object[] | undefined;
let flushQueued = false;

export function setChannel(channel: Channel): void {
  port = channel;
}

/** Queues `m` (with buffers to move) for the next flush. */
export function queueMessage(m: WorkerMessage, transfers?: object[]): void {
  outbox.push(m);
  if (transfers) (outTransfers ??= []).push(...transfers);
}

/** Queues a chunk's outcome: all-number results packed, transfer() markers unwrapped. */
export function queueDone(msg: DoneMessage & { values: unknown[] }): void {
  const packed = packNumbers(msg.values);
  // Numbers carry no transfer() markers.
  const { values, moved } = packed ? { values: packed, moved: [packed.buffer] } : unwrapTransfers(msg.values);
  queueMessage(values === msg.values ? msg : { ...msg, values }, moved);
}

export function flush(): void {
  if (outbox.length === 0) return;
  const batch = outbox;
  const transfers = outTransfers;
  outbox = [];
  outTransfers = undefined;
  try {
    port.post(batch, transfers);
  } catch {
    postOneByOne(batch);
  }
}

/** Progress goes home soon, not only when the item ends. */
export function flushSoon(): void {
  if (flushQueued) return;
  flushQueued = true;
  queueMicrotask(() => {
    flushQueued = false;
    flush();
  });
}

/** A result that cannot be cloned fails that item only; the rest still go home. */
function postOneByOne(batch: WorkerMessage[]): void {
  for (const msg of batch) {
    try {
      port.post([msg], undefined);
      continue;
    } catch {
      if (msg.k === 'values') {
        // The values before the bad one still go home; then the stream fails.
        const bad = Array.prototype.findIndex.call(msg.values, (v) => !cloneable(v));
        if (bad > 0) port.post([{ ...msg, values: Array.prototype.slice.call(msg.values, 0, bad) }], undefined);
        throw new UnsendableValue(msg.values[bad]);
      }
      if (msg.k !== 'done') throw new Error('unreachable: control messages are plain data');
    }
    const errors = msg.errors ?? new Array(msg.values.length);
    msg.values.forEach((v, i) => {
      try {
        probe(v);
      } catch (err) {
        msg.values[i] = undefined;
        errors[i] = {
          kind: 'serialization',
          message: `the task's result cannot be sent back to the host: ${typeName(v)} could not be cloned (${(err as Error).message}); return plain data`,
        };
      }
    });
    try {
      port.post([{ ...msg, errors }], undefined);
    } catch {
      // Still refused (nothing left to blame): every item fails, and the worker lives on.
      const all = Array.from({ length: msg.values.length }, (): WireError => ({
        kind: 'serialization',
        message: "the task's result cannot be sent back to the host; return plain data",
      }));
      port.post([{ ...msg, values: [], errors: all }], undefined);
    }
  }
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'function') return `function ${v.name || '(anonymous)'}`;
  if (typeof v !== 'object') return typeof v;
  return v.constructor?.name ? `an instance of ${v.constructor.name}` : 'an object';
}

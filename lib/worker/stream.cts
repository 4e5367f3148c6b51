/**
 * A streaming task inside the worker: its result (an async iterator, or an Observable-like)
 * is drained into ValuesMessages. Values produced together travel together; a value is
 * never held back when the producer pauses (the batch leaves on the next macrotask). A
 * generator is pulled only while the host has granted credit, so a slow consumer bounds
 * how far it runs ahead; an Observable cannot be paused and is forwarded as it pushes.
 */
import {
  isAsyncIterable,
  isObservableLike,
  packNumbers,
  STREAM_CREDIT,
  type Subscribable,
  type ValuesMessage,
} from '../protocol.cjs';

export interface StreamIO {
  /** Sends a message to the host now (`transfer`: buffers to move with it). */
  send(m: ValuesMessage, transfer?: object[]): void;
  /** Runs `fn` on a later macrotask. */
  defer(fn: () => void): void;
}

/** A value the task streamed cannot be cloned: the stream fails with TaskSerializationError. */
export class UnsendableValue extends Error {
  constructor(value: unknown) {
    const what =
      value === null
        ? 'null'
        : typeof value === 'object'
          ? `an instance of ${value.constructor?.name ?? 'Object'}`
          : typeof value;
    super(`a value the task streamed cannot be sent to the host: ${what} could not be cloned; stream plain data`);
  }
}

const OBJECT_BATCH = 64;

/** The stream running now (one at a time, like every task of a worker). */
let active: ActiveStream | undefined;

class ActiveStream {
  sent = 0;
  allowed = STREAM_CREDIT;
  stopped = false;
  failure: unknown;
  #batch: unknown[] = [];
  /** Every value of the batch is a number (it will travel packed). */
  #numbers = true;
  #scheduled = false;
  #creditWaiter: (() => void) | undefined;
  #onStop: (() => void) | undefined;

  constructor(
    private readonly id: number,
    private readonly io: StreamIO,
  ) {}

  push(value: unknown): void {
    this.#batch.push(value);
    this.sent++;
    if (typeof value !== 'number') this.#numbers = false;
    // Numbers: up to half the credit per message (the host grants more each time it has
    // delivered that many). Objects: 64, because a large batch of objects held by a slow
    // subscriber survives the host's young-generation GCs and makes V8 grow it: RSS
    // growth over 6 s of a slow subscriber went from ~38 MB with 512 to ~13 MB with 64.
    if (this.#batch.length >= (this.#numbers ? STREAM_CREDIT / 2 : OBJECT_BATCH)) this.flush();
    else if (!this.#scheduled) {
      this.#scheduled = true;
      this.io.defer(() => this.flush());
    }
  }

  flush(): void {
    this.#scheduled = false;
    if (this.#batch.length === 0) return;
    const values = this.#batch;
    this.#batch = [];
    this.#numbers = true;
    try {
      // Numbers travel as one moved typed array, as results do: far cheaper than cloning each.
      const packed = packNumbers(values);
      if (packed) this.io.send({ k: 'values', id: this.id, values: packed }, [packed.buffer]);
      else this.io.send({ k: 'values', id: this.id, values });
    } catch (err) {
      // Sent from a deferred callback too: the failure ends the stream rather than the worker.
      this.failure ??= err;
      this.stop();
    }
  }

  /** Resolves once the host allows another value (or the stream is stopped). */
  room(): Promise<void> | undefined {
    if (this.sent < this.allowed || this.stopped) return undefined;
    this.flush();
    return new Promise((resolve) => (this.#creditWaiter = resolve));
  }

  grant(total: number): void {
    this.allowed = Math.max(this.allowed, total);
    if (this.sent < this.allowed) this.#wake();
  }

  stop(): void {
    this.stopped = true;
    this.#onStop?.();
    this.#wake();
  }

  onStop(fn: () => void): void {
    this.#onStop = fn;
  }

  #wake(): void {
    const w = this.#creditWaiter;
    this.#creditWaiter = undefined;
    w?.();
  }
}

/** Drains `result` into the host; resolves when it ends, rejects with its error. */
export async function runStream(id: number, result: unknown, io: StreamIO): Promise<void> {
  const stream = (active = new ActiveStream(id, io));
  try {
    if (isObservableLike(result)) await drainObservable(result, stream);
    else if (isAsyncIterable(result)) await drainIterator(result[Symbol.asyncIterator](), stream);
    else stream.push(result); // any other result, an array included, is one value
  } finally {
    stream.flush();
    active = undefined;
  }
  if (stream.failure !== undefined) throw stream.failure;
}

/** The host granted credit to the stream of chunk `id`, up to `total` values. */
export function grantCredit(total: number): void {
  active?.grant(total);
}

/** The host stopped the running task: a generator's return() runs, an Observable is unsubscribed. */
export function stopStream(): void {
  active?.stop();
}

async function drainIterator(it: AsyncIterator<unknown>, stream: ActiveStream): Promise<void> {
  let finished = false;
  let returning: Promise<unknown> | undefined;
  // return() runs the generator's finally blocks; on a stop it is called even mid-await, and
  // the chunk ends only once they have run (cancelGrace bounds how long that may take).
  stream.onStop(() => {
    returning = Promise.resolve()
      .then(() => it.return?.())
      .catch(() => {});
  });
  try {
    while (!stream.stopped) {
      const wait = stream.room();
      if (wait) await wait;
      if (stream.stopped) break;
      const r = await it.next();
      if (r.done) {
        finished = true;
        return;
      }
      if (!stream.stopped) stream.push(r.value);
    }
  } finally {
    if (returning) await returning;
    else if (!finished) await it.return?.();
  }
}

function drainObservable(source: Subscribable, stream: ActiveStream): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const subscription = source.subscribe({
      next: (v) => stream.stopped || stream.push(v),
      error: reject,
      complete: resolve,
    });
    const stop = () => {
      subscription.unsubscribe();
      resolve();
    };
    // A stop during subscribe() (a value that could not be sent) came before this hook.
    if (stream.stopped) stop();
    else stream.onStop(stop);
  });
}

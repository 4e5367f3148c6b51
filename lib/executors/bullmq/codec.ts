/**
 * What host and worker write into Redis: a job's data and its outcome. BullMQ stores both as
 * JSON, which loses Date, Map, Set, BigInt, typed arrays and undefined; so arguments, values
 * and errors travel v8-serialized (structured-clone fidelity) as base64 inside the JSON.
 * Small values that JSON keeps exactly (numbers, strings, plain arrays and objects of them)
 * travel as JSON text instead: the same values come out, for a fraction of the cost (no
 * serializer, no buffer, no base64), which is most of a trivial task's codec time.
 */
import { types } from 'node:util';
import { deserialize, serialize } from 'node:v8';
import { decodeError } from '../../core/decode-error.js';
import {
  CancelledError,
  TaskError,
  TaskSerializationError,
  TaskTimeoutError,
  WorkerCrashedError,
} from '../../core/errors.js';
import { unwrapTransfers, type WireError } from '../../protocol.cjs';
import { encodeError } from '../../worker/encode-error.cjs';

/** A job: one chunk of items of one task (JSON, as BullMQ stores it). */
export interface JobData {
  /** The task's name, looked up in the worker's allow-list. */
  readonly t: string;
  /** The items, v8-serialized, base64 (absent when `j` carries them). */
  readonly a?: string;
  /** The items as JSON text, when JSON keeps them exactly (see jsonExact). */
  readonly j?: string;
  /** 1: each item is an argument list (submit, starmap); 0: the item is the only argument. */
  readonly s: 0 | 1;
  /** taskTimeout, ms. */
  readonly to?: number;
  /** cancelGrace, ms. */
  readonly g?: number;
  /** Runs again a task that throws, this many times. */
  readonly r?: number;
  /** 1: at most once: a job that lost its worker is not run again. */
  readonly o?: 1;
}

/** What a job returns (its BullMQ return value). Task errors are outcomes too, not failed jobs. */
export type JobOutcome =
  | {
      readonly k: 'done';
      /** {v, e} v8-serialized, base64; absent when `j` carries the values. */
      readonly b?: string;
      /** The values as JSON text, when none failed and JSON keeps them exactly. */
      readonly j?: string;
      readonly ms: number;
    }
  | { readonly k: 'not-allowed'; readonly task: string; readonly served: readonly string[] }
  | { readonly k: 'lost'; readonly runs: number }
  | { readonly k: 'cancelled' };

/** Errors of the library that must stay themselves (instanceof) across Redis. */
type RemoteWireError =
  | WireError
  | { readonly kind: 'timeout'; readonly ms: number }
  | { readonly kind: 'crashed'; readonly reason: string; readonly exitCode: number | undefined };

function toBase64(value: unknown): string {
  return serialize(value).toString('base64');
}

function fromBase64(text: string): unknown {
  return deserialize(Buffer.from(text, 'base64'));
}

/** Nodes (values) the JSON check visits at most: beyond that, v8 is as cheap and more compact. */
const JSON_BUDGET = 64;

/**
 * True when `JSON.parse(JSON.stringify(values))` gives what structured clone would give:
 * finite numbers other than -0, strings, booleans, null, and arrays (dense, no extra
 * properties) and plain objects of them, at most JSON_BUDGET values in all. False too when
 * reading a value throws (a getter): the v8 path then reports it as it always did.
 * @example
 * jsonExact([[1, 'a', { b: null }]]); // true
 * jsonExact([[-0]]); jsonExact([[undefined]]); jsonExact([[new Date()]]); // false
 */
export function jsonExact(values: readonly unknown[]): boolean {
  const isProxy = types.isProxy;
  let budget = JSON_BUDGET;
  const exact = (v: unknown): boolean => {
    if (--budget < 0) return false;
    switch (typeof v) {
      case 'string':
      case 'boolean':
        return true;
      case 'number':
        return Number.isFinite(v) && !Object.is(v, -0);
      case 'object': {
        if (v === null) return true;
        if (isProxy(v)) return false; // structured clone refuses it: the v8 path says so
        const proto = Object.getPrototypeOf(v) as unknown;
        if (Array.isArray(v)) {
          // Holes and named properties survive structured clone, not JSON.
          if (proto !== Array.prototype || v.length > budget || Object.keys(v).length !== v.length) return false;
          for (let i = 0; i < v.length; i++) if (!exact(v[i])) return false;
          return true;
        }
        if (proto !== Object.prototype && proto !== null) return false;
        for (const key of Object.keys(v)) if (!exact((v as Record<string, unknown>)[key])) return false;
        return true;
      }
      default:
        return false; // undefined, bigint, symbol, function
    }
  };
  try {
    return values.length <= budget && values.every(exact);
  } catch {
    return false;
  }
}

/**
 * The items as job data, or, when some cannot be sent, a TaskSerializationError per failing
 * item (naming the argument and the type) so that only those futures fail.
 */
export function encodeItems(
  items: readonly unknown[],
  spread: boolean,
): { data: Pick<JobData, 'a' | 'j'>; errors?: undefined } | { errors: (Error | undefined)[] } {
  const plain = spread
    ? items.map((args) => unwrapTransfers(args as unknown[]).values)
    : unwrapTransfers(items as unknown[]).values;
  // Text now, not at the add: later changes to the arguments must not reach the job.
  if (jsonExact(plain)) return { data: { j: JSON.stringify(plain) } };
  try {
    return { data: { a: toBase64(plain) } };
  } catch (err) {
    const errors: (Error | undefined)[] = plain.map((item) => unsendable(spread ? (item as unknown[]) : [item]));
    // No single argument fails alone: then the chunk as a whole cannot go.
    if (!errors.some(Boolean)) {
      errors.fill(new TaskSerializationError(`the arguments cannot be serialized: ${(err as Error).message}`));
    }
    return { errors };
  }
}

function unsendable(args: readonly unknown[]): Error | undefined {
  for (let j = 0; j < args.length; j++) {
    try {
      serialize(args[j]);
    } catch (err) {
      return new TaskSerializationError(
        `argument ${j} cannot be sent to a remote worker: ${typeName(args[j])} could not be serialized (${(err as Error).message}); ` +
          'pass plain data (numbers, strings, arrays, plain objects, typed arrays, Map, Set, Date, BigInt)',
      );
    }
  }
  return undefined;
}

function typeName(value: unknown): string {
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
  if (typeof value !== 'object' || value === null) return typeof value;
  return (value as object).constructor?.name ?? 'object';
}

export function decodeItems(data: Pick<JobData, 'a' | 'j'>): unknown[] {
  return (data.j === undefined ? fromBase64(data.a!) : JSON.parse(data.j)) as unknown[];
}

/** A reportProgress() of item `item` of a job, as its BullMQ progress (JSON). */
export interface JobProgress {
  readonly rxf: 1;
  readonly i: number;
  /** The value, v8-serialized, base64. */
  readonly v: string;
}

export function encodeProgress(item: number, value: unknown): JobProgress {
  return { rxf: 1, i: item, v: toBase64(value) };
}

/** The item and value of a job's progress, or undefined for progress that is not ours. */
export function decodeProgress(progress: unknown): { item: number; value: unknown } | undefined {
  const p = progress as Partial<JobProgress> | null;
  if (typeof p !== 'object' || p === null || p.rxf !== 1 || typeof p.v !== 'string') return undefined;
  return { item: p.i ?? 0, value: fromBase64(p.v) };
}

/** A finished chunk's outcome, as the worker sends it; a value that cannot be sent fails its item. */
export function encodeDone(values: ArrayLike<unknown>, errors: readonly unknown[] | null, ms: number): JobOutcome {
  const v = Array.from(values);
  if (!errors && jsonExact(v)) return { k: 'done', j: JSON.stringify(v), ms };
  let e: (RemoteWireError | undefined)[] | null = errors
    ? errors.map((x) => (x === undefined ? undefined : toWire(x)))
    : null;
  let b: string;
  try {
    b = toBase64({ v, e });
  } catch {
    for (let i = 0; i < v.length; i++) {
      try {
        serialize(v[i]);
      } catch (err) {
        (e ??= new Array(v.length))[i] = {
          kind: 'serialization',
          message: `result cannot be sent back through Redis: ${typeName(v[i])} could not be serialized (${(err as Error).message}); return plain data`,
        };
        v[i] = undefined;
      }
    }
    b = toBase64({ v, e });
  }
  return { k: 'done', b, ms };
}

/** The values and errors of a 'done' outcome, errors rebuilt as the task threw them. */
export function decodeDone(outcome: { readonly b?: string; readonly j?: string }): {
  values: unknown[];
  errors: unknown[] | null;
} {
  if (outcome.j !== undefined) return { values: JSON.parse(outcome.j) as unknown[], errors: null };
  const { v, e } = fromBase64(outcome.b!) as { v: unknown[]; e: (RemoteWireError | undefined)[] | null };
  return { values: v, errors: e ? e.map((x) => (x === undefined ? undefined : fromWire(x))) : null };
}

function toWire(err: unknown): RemoteWireError {
  if (err instanceof TaskTimeoutError) return { kind: 'timeout', ms: err.timeoutMs };
  if (err instanceof WorkerCrashedError) return { kind: 'crashed', reason: err.reason, exitCode: err.exitCode };
  if (err instanceof CancelledError) return { kind: 'cancelled' };
  if (err instanceof TaskSerializationError) return { kind: 'serialization', message: err.message };
  if (err instanceof TaskError) return encodeError(err.value);
  return encodeError(err);
}

function fromWire(wire: RemoteWireError): unknown {
  if (wire.kind === 'timeout') return new TaskTimeoutError(wire.ms);
  if (wire.kind === 'crashed') return new WorkerCrashedError(wire.reason, wire.exitCode);
  return decodeError(wire);
}

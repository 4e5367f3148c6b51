import { CancelledError, TaskError, TaskSerializationError } from './errors.js';
import type { WireError } from '../protocol.cjs';

// A Map, not an object: a name such as 'constructor' or '__proto__' from the wire finds nothing.
const BUILTINS = new Map<string, new (message?: string) => Error>([
  ['Error', Error],
  ['TypeError', TypeError],
  ['RangeError', RangeError],
  ['SyntaxError', SyntaxError],
  ['ReferenceError', ReferenceError],
  ['EvalError', EvalError],
  ['URIError', URIError],
]);

/**
 * Rebuilds a task's error on the host: the same built-in class, `name`, `message`, own
 * properties, `cause` and the worker's stack; a thrown non-Error becomes a TaskError.
 */
export function decodeError(wire: WireError): unknown {
  switch (wire.kind) {
    case 'value':
      return new TaskError(wire.value);
    case 'serialization':
      return new TaskSerializationError(wire.message);
    case 'cancelled':
      return new CancelledError();
    case 'error': {
      const err =
        wire.ctor === 'AggregateError'
          ? new AggregateError((wire.errors ?? []).map(decodeError), wire.message)
          : new (BUILTINS.get(wire.ctor) ?? Error)(String(wire.message));
      if (err.name !== wire.name) define(err, 'name', wire.name);
      define(err, 'stack', wire.stack);
      if (wire.hasCause) define(err, 'cause', wire.cause && decodeError(wire.cause));
      // Defined, not assigned: assigning an own '__proto__' key (JSON.parse and v8's
      // deserialize make them) would give the error whatever prototype the wire names.
      if (wire.props) {
        for (const key of Object.keys(wire.props)) {
          define(err, key, wire.props[key], Object.getOwnPropertyDescriptor(err, key)?.enumerable ?? true);
        }
      }
      return err;
    }
    default:
      // Not from this library (a foreign or corrupt message): still an error, never a value.
      return new Error(
        `a task failed, but its error arrived in a form that cannot be read (kind '${String((wire as { kind?: unknown }).kind)}')`,
      );
  }
}

/** A message's per-item errors, rebuilt (`undefined` stays where an item succeeded). */
export function decodeErrors(wire: readonly (WireError | undefined)[] | null): (unknown | undefined)[] | null {
  return wire ? wire.map((e) => (e === undefined ? undefined : decodeError(e))) : null;
}

function define(target: object, key: string, value: unknown, enumerable = false): void {
  Object.defineProperty(target, key, { value, writable: true, configurable: true, enumerable });
}

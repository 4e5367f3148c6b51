import { CancelledError, TaskError, TaskSerializationError } from './errors.js';
import type { WireError } from '../protocol.cjs';

const BUILTINS: Record<string, new (message?: string) => Error> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
};

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
          : new (BUILTINS[wire.ctor] ?? Error)(wire.message);
      if (err.name !== wire.name) define(err, 'name', wire.name);
      define(err, 'stack', wire.stack);
      if (wire.hasCause) define(err, 'cause', wire.cause && decodeError(wire.cause));
      if (wire.props) Object.assign(err, wire.props);
      return err;
    }
  }
}

/** A message's per-item errors, rebuilt (`undefined` stays where an item succeeded). */
export function decodeErrors(wire: readonly (WireError | undefined)[] | null): (unknown | undefined)[] | null {
  return wire ? wire.map((e) => (e === undefined ? undefined : decodeError(e))) : null;
}

function define(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, configurable: true, enumerable: false });
}

import type { WireError } from '../protocol.cjs';

const BUILTIN_ERRORS = new Set([
  'Error',
  'TypeError',
  'RangeError',
  'SyntaxError',
  'ReferenceError',
  'EvalError',
  'URIError',
  'AggregateError',
]);
const SKIP_PROPS = new Set(['name', 'message', 'stack', 'cause', 'errors']);

/**
 * Flattens whatever a task threw so that the host can rebuild it: built-in classes by
 * name, own properties (`code`, `errno`…) that survive structured clone, the cause chain
 * and the worker's stack. A thrown non-Error travels as a value (the host wraps it in
 * TaskError).
 */
export function encodeError(err: unknown, depth = 0): WireError {
  if (!(err instanceof Error) || depth > 8) {
    return { kind: 'value', value: cloneable(err) ? err : describe(err) };
  }
  const ctorName = err.constructor?.name ?? 'Error';
  const props: Record<string, unknown> = {};
  let hasProps = false;
  for (const key of Object.keys(err)) {
    if (SKIP_PROPS.has(key)) continue;
    const value = (err as unknown as Record<string, unknown>)[key];
    if (cloneable(value)) {
      props[key] = value;
      hasProps = true;
    }
  }
  const hasCause = 'cause' in err;
  return {
    kind: 'error',
    ctor: BUILTIN_ERRORS.has(ctorName) ? ctorName : 'Error',
    name: err.name,
    message: err.message,
    stack: err.stack,
    hasCause,
    cause: hasCause ? encodeError(err.cause, depth + 1) : undefined,
    props: hasProps ? props : undefined,
    errors: err instanceof AggregateError ? err.errors.map((e) => encodeError(e, depth + 1)) : undefined,
  };
}

/** Throws if the channel to the host cannot carry `value` (see setProbe). */
export let probe: (value: unknown) => void = structuredClone;

/**
 * The serializer of this worker's channel, where it is not structured clone: a child
 * process sends with v8.serialize, which refuses what structured clone takes (a SharedArrayBuffer).
 */
export function setProbe(fn: (value: unknown) => void): void {
  probe = fn;
}

/** True if the channel to the host can carry `value`. */
export function cloneable(value: unknown): boolean {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function' && typeof value !== 'symbol')) {
    return true;
  }
  try {
    probe(value);
    return true;
  } catch {
    return false;
  }
}

function describe(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

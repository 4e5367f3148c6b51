import { SETTLED_HANDLE, type ChunkHandle, type ChunkSink } from './chunk.js';
import { TaskSerializationError } from './errors.js';
import { isTransferMarker } from '../protocol.cjs';

/**
 * Finds arguments that cannot reach a worker intact. `deep`, where given, is the worker
 * channel's own serializer (structured clone, or v8.serialize for a child process), run on
 * each argument: only after the channel has already refused a chunk, so the hot path stays
 * cheap. Returns an error per failing item, or null when all pass.
 */
export function findUnsendable(
  items: readonly unknown[],
  spread: boolean,
  deep: false | ((value: unknown) => void),
): (Error | undefined)[] | null {
  let errors: (Error | undefined)[] | null = null;
  for (let i = 0; i < items.length; i++) {
    // Unless spread, the item is the only argument: no list to build on the hot path.
    const list = spread ? (items[i] as unknown[]) : undefined;
    const count = list ? list.length : 1;
    for (let j = 0; j < count; j++) {
      const problem = describeProblem(list ? list[j] : items[i], deep);
      if (problem) {
        (errors ??= new Array(items.length))[i] = new TaskSerializationError(
          `argument ${j} cannot be sent to a worker: ${problem}; pass plain data (numbers, strings, arrays, plain objects, typed arrays, Map, Set, Date)`,
        );
        break;
      }
    }
  }
  return errors;
}

function describeProblem(value: unknown, deep: false | ((value: unknown) => void)): string | null {
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'} cannot be cloned`;
  if (typeof value === 'symbol') return `${String(value)} (a Symbol) cannot be cloned`;
  if (typeof value !== 'object' || value === null) return null;
  if (isTransferMarker(value)) return deep ? describeProblem(value.value, deep) : null;
  const proto = Object.getPrototypeOf(value) as object | null;
  if (
    proto !== null &&
    proto !== Object.prototype &&
    !Array.isArray(value) &&
    !ArrayBuffer.isView(value) &&
    !(value instanceof Error) &&
    hasOwnMethods(proto)
  ) {
    const name = (proto.constructor as { name?: string } | undefined)?.name ?? 'a class';
    return `an instance of ${name} would arrive as a plain object without its methods`;
  }
  if (deep) {
    try {
      deep(value);
    } catch (err) {
      return `${(value as object).constructor?.name ?? 'object'} could not be cloned (${(err as Error).message})`;
    }
  }
  return null;
}

/** True for prototypes of user classes with methods (built-ins clone faithfully). */
function hasOwnMethods(proto: object): boolean {
  const ctor = (proto as { constructor?: unknown }).constructor;
  if (typeof ctor === 'function' && /\{\s*\[native code\]\s*\}$/.test(Function.prototype.toString.call(ctor))) {
    return false;
  }
  return Object.getOwnPropertyNames(proto).some(
    (k) => k !== 'constructor' && typeof Object.getOwnPropertyDescriptor(proto, k)?.value === 'function',
  );
}

/**
 * Runs the items that can be sent and settles the others at once with their errors,
 * handing the sink one combined outcome in the original positions.
 */
export function runPartitioned(
  args: unknown[],
  errors: (Error | undefined)[],
  sink: ChunkSink,
  run: (goodArgs: unknown[], sink: ChunkSink) => ChunkHandle,
): ChunkHandle {
  const good: number[] = [];
  for (let i = 0; i < args.length; i++) if (errors[i] === undefined) good.push(i);
  if (good.length === 0) {
    sink.complete(new Array(args.length), errors, 0); // settled before the caller gets a handle
    return SETTLED_HANDLE;
  }
  return run(
    good.map((i) => args[i]!),
    {
      complete(values, errs, ms) {
        const allValues: unknown[] = new Array(args.length);
        const allErrors: unknown[] = errors.slice();
        good.forEach((i, k) => {
          allValues[i] = values[k];
          if (errs && errs[k] !== undefined) allErrors[i] = errs[k];
        });
        sink.complete(allValues, allErrors, ms);
      },
    },
  );
}

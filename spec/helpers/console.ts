/** Replaces `console.error` for the duration of `fn` and returns what it was called with. */
export async function captureConsoleError(fn: () => void | Promise<void>): Promise<unknown[][]> {
  const calls: unknown[][] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => {
    calls.push(args);
  };
  try {
    await fn();
  } finally {
    console.error = original;
  }
  return calls;
}

/** True if one of the recorded calls mentions `needle` (in a string or an Error). */
export function mentions(calls: unknown[][], needle: unknown): boolean {
  return calls.some((args) =>
    args.some((a) => a === needle || (typeof a === 'string' && typeof needle === 'string' && a.includes(needle))),
  );
}

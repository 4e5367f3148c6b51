/**
 * Where errors thrown by user callbacks and observers go. RxJS would rethrow them on a
 * timer, which kills a Node process; a future's callers get a report instead.
 */
export function reportCallbackError(err: unknown, context = 'a done-callback or observer threw'): void {
  console.error(`rxjs-futures: ${context}:`, err);
}

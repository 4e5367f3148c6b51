import type { Executor } from '../core/executor.js';
import { ThreadPoolExecutor } from './thread-pool.js';

let current: Executor | undefined;

/**
 * The executor operators use when none is given: a ThreadPoolExecutor made on first use.
 * Its idle workers never keep the process alive, so it needs no shutdown.
 * @example
 * getDefaultExecutor().submit((x: number) => x + 1, 1);
 */
export function getDefaultExecutor(): Executor {
  return (current ??= new ThreadPoolExecutor());
}

/**
 * Replaces the default executor (the previous one is not shut down).
 * @example
 * setDefaultExecutor(new ThreadPoolExecutor({ maxWorkers: 2 }));
 */
export function setDefaultExecutor(executor: Executor): void {
  if (typeof executor !== 'object' || executor === null || typeof executor.submit !== 'function') {
    throw new TypeError('setDefaultExecutor: expected an Executor (ThreadPoolExecutor, InlineExecutor, …)');
  }
  current = executor;
}

import { platform } from '#platform';
import { PoolExecutor, type PoolOptions } from './pool-executor.js';

/**
 * Node's `worker_threads.ResourceLimits`, spelled out so that the public types need no
 * `@types/node` (browser users have none).
 */
export interface ResourceLimits {
  /** Max size of the main heap, MB. */
  maxOldGenerationSizeMb?: number;
  /** Max size of the heap space for recently created objects, MB. */
  maxYoungGenerationSizeMb?: number;
  /** Size of the pre-allocated memory range used for generated code, MB. */
  codeRangeSizeMb?: number;
  /** Default max stack size of the thread, MB. */
  stackSizeMb?: number;
}

/** Options of {@link ThreadPoolExecutor}. */
export interface ThreadPoolExecutorOptions extends PoolOptions {
  /** Node's worker resource limits (heap sizes, stack size); a TypeError in browsers. */
  resourceLimits?: ResourceLimits;
}

/**
 * Python's `ThreadPoolExecutor` for Node and browsers: tasks run on worker threads (web
 * workers) spawned with threads.js, started lazily and retired when idle.
 * @example
 * await using ex = new ThreadPoolExecutor({ maxWorkers: 4 });
 * const f = ex.submit((a: number, b: number) => a + b, 1, 2);
 * console.log(await f); // 3
 */
export class ThreadPoolExecutor extends PoolExecutor {
  constructor(options?: ThreadPoolExecutorOptions) {
    super('ThreadPoolExecutor', options, (o: ThreadPoolExecutorOptions) => {
      platform.checkPoolOptions('ThreadPoolExecutor', o as Record<string, unknown>);
      return platform.threads({ name: o.name, resourceLimits: o.resourceLimits });
    });
  }
}

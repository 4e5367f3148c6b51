import { platform } from '#platform';
import { describe } from '../core/options.js';
import { PoolExecutor, type PoolOptions } from './pool-executor.js';

/** Options of {@link ProcessPoolExecutor}. */
export interface ProcessPoolExecutorOptions extends PoolOptions {
  /**
   * Node flags of each child process, e.g. `['--max-old-space-size=64']` for a heap limit per
   * process; default the host's own flags, less debugger ones (`--inspect`…).
   */
  execArgv?: string[];
  /** Environment of each child process; default the host's `process.env` (as it is at each start). */
  env?: Record<string, string | undefined>;
}

/**
 * Python's `ProcessPoolExecutor`: the executor contract on child processes, for what threads
 * cannot isolate: a native crash (a segfault takes only its process down), process-wide
 * state (`process.chdir`, `process.env`), a heap limit per process. Values keep structured-
 * clone fidelity (`fork` with advanced serialization); `transfer()` copies instead of moving.
 * Idle children never keep the host alive, and none outlives it.
 * @example
 * await using ex = new ProcessPoolExecutor({ maxWorkers: 2, execArgv: ['--max-old-space-size=256'] });
 * const cwd = await ex.submit(() => { process.chdir('/tmp'); return process.cwd(); }); // the host's cwd is untouched
 */
export class ProcessPoolExecutor extends PoolExecutor {
  constructor(options?: ProcessPoolExecutorOptions) {
    super('ProcessPoolExecutor', options, (o: ProcessPoolExecutorOptions & { resourceLimits?: unknown }) => {
      const where = 'ProcessPoolExecutor';
      const processes = platform.processes;
      if (!processes) {
        throw new TypeError(
          `${where} needs Node.js child processes, which ${platform.name}s do not have; use ThreadPoolExecutor`,
        );
      }
      if (o.resourceLimits !== undefined) {
        throw new TypeError(
          `${where}: resourceLimits is for worker threads; limit a process's heap with execArgv, e.g. ['--max-old-space-size=64']`,
        );
      }
      if (o.execArgv !== undefined && (!Array.isArray(o.execArgv) || o.execArgv.some((a) => typeof a !== 'string'))) {
        throw new TypeError(`${where}: execArgv must be an array of strings, got ${describe(o.execArgv)}`);
      }
      const env = o.env;
      if (env !== undefined && (typeof env !== 'object' || env === null || Array.isArray(env))) {
        throw new TypeError(`${where}: env must be an object of strings, got ${describe(env)}`);
      }
      return processes({ name: o.name, execArgv: o.execArgv && [...o.execArgv], env: env && { ...env } });
    });
  }
}

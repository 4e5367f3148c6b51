/**
 * Shapes shared by the harness, the contenders and the scenarios. Measures nothing.
 */
import type { TaskName } from '../tasks.js';

export type Family = 'rxjs-futures' | 'peer' | 'floor' | 'baseline';

/** A named export of a module in benchmarks/workers/ (imported once per worker), so every pool runs the same code. */
export interface ModuleTask {
  file: URL;
  name: string;
}

/** A started pool: maps a named task over items, results in input order. */
export interface PoolHandle {
  map(task: TaskName, items: readonly number[]): Promise<number[]>;
  /** The same for a module task over any structured-cloneable items. Optional. */
  mapModule?(task: ModuleTask, items: readonly unknown[]): Promise<unknown[]>;
  /** Starts 2 `busyFor(busyMs)` tasks, cancels them once running, and returns the ms
   *  from cancelling to the result of the next trivial task. Optional. */
  cancelLatency?(busyMs: number): Promise<number>;
  close(): Promise<void>;
}

/** What one run of a contender in a scenario measured. */
export interface Sample {
  /** Items actually processed (may be capped below the scenario's count). */
  items: number;
  /** The measured figure: ms of work (throughput), ms (latency) or MB (memory). */
  value: number;
  /** Pool start (to the first warm-up result), in ms, where measured. */
  startMs?: number;
  /** Shutdown, in ms, where measured. */
  closeMs?: number;
}

export interface Contender {
  id: string;
  label: string;
  family: Family;
  /** The registry id this is a variant of (for `--only`), where it is not in the registry. */
  base?: string;
  /** In-process contenders: start a pool of `workers`. */
  open?(workers: number): Promise<PoolHandle>;
  /** Out-of-process contenders (Python): run one whole sample themselves. */
  external?(scenario: string, items: number, workers: number): Promise<Sample>;
}

export interface Ctx {
  quick: boolean;
  workers: number;
  /** Iterations of `spin` that take ~5 ms on the main thread. */
  spin5ms: number;
  /** Iterations of `spin` that take ~2 µs on the main thread. */
  spin2us: number;
}

export type Metric = 'throughput' | 'latency' | 'memory';

export interface Scenario {
  id: string;
  title: string;
  /** One or two sentences for the report: what is measured and how. */
  description: string;
  metric: Metric;
  /** Contender ids taking part, in display order (registry ids or ids of `own`). */
  contenders: string[];
  /** Contenders defined by the scenario itself rather than the registry. */
  own?: Contender[];
  /** Items per contender where a contender runs fewer than the scenario's count. */
  caps?: Record<string, number>;
  /** Notes for the report (caps, skipped contenders and why). */
  notes?: string[];
  /** Called once before the rounds. */
  prepare(ctx: Ctx): Promise<void>;
  /** One measured run of one contender. */
  runOnce(contender: Contender, ctx: Ctx): Promise<Sample>;
}

/** Medians of all rounds for one contender in one scenario. */
export interface Summary {
  contender: Contender;
  samples: Sample[];
  items: number;
  median: number;
  min: number;
  max: number;
  /** Median of start + work + close, where measured. */
  totalMedian?: number;
  /** Why there is no figure (failed to load or to run). */
  error?: string;
  /** A failure in a later round; the figure comes from the rounds before it. */
  warning?: string;
}

export interface ScenarioResult {
  scenario: Scenario;
  rows: Summary[];
}

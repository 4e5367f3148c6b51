/**
 * How many items go into the next chunk. Fixed sizes are the user's; 'auto' starts at
 * one item and grows chunks from measured run time until a chunk carries about
 * TARGET_MS of work, so tiny tasks are batched and long ones still go one by one.
 */

/**
 * Work per chunk. A round trip costs ~20–60 µs of messaging here, but each chunk also
 * wakes the host and a worker, which on a busy machine preempts a running task. On 2
 * cores, 200,000 tasks of 2 µs through the benchmark harness: 1.40–1.43× serial with
 * 5 ms chunks, 1.45–1.51× with 10 ms, the same with 20 ms (whose last chunk is longer).
 */
const TARGET_MS = 10;
/**
 * Items that cost more gain little from batching (a message costs ~20–60 µs) and lose
 * balance by it: a chunk of two 5 ms tasks leaves a worker idle for 5 ms at the end of a map.
 * Their chunks aim at less work, down to SLOW_TARGET_MS for items of 0.25 ms and more
 * (then 5 ms tasks go one by one), so that batching stays where it pays.
 */
const SLOW_TARGET_MS = 2;
/** Up to this per-item time, chunks aim at the full TARGET_MS. */
const FAST_ITEM_MS = 0.05;

/** Growth per measurement: fast enough to reach big chunks in a few round trips. */
const MAX_GROWTH = 4;
/**
 * Items per chunk at most, for trivial tasks. 4,096 rather than 8,192: the peak RSS growth of
 * 200,000 trivial items from an infinite source went from ~10.5 MB to ~9.5 MB (5 runs each),
 * and 2 µs tasks still get ~8 ms of work per chunk.
 */
const MAX_CHUNK = 4096;

export interface ChunkSizer {
  /** Items for the next chunk. */
  next(): number;
  /** A chunk of `items` took `ms` on a worker. */
  record(items: number, ms: number): void;
}

export function fixedSizer(size: number): ChunkSizer {
  return { next: () => size, record: () => {} };
}

export function autoSizer(): ChunkSizer {
  let size = 1;
  let perItemMs: number | undefined;
  return {
    next: () => size,
    record(items, ms) {
      if (items <= 0) return;
      const sample = Math.max(ms, 0.0005) / items;
      perItemMs = perItemMs === undefined ? sample : perItemMs * 0.7 + sample * 0.3;
      const target = Math.min(TARGET_MS, Math.max(SLOW_TARGET_MS, (TARGET_MS * FAST_ITEM_MS) / perItemMs));
      const ideal = Math.floor(target / perItemMs);
      // Shrink at once when items get slow; grow in steps so one fast sample cannot overshoot.
      size = Math.max(1, Math.min(ideal, size * MAX_GROWTH, MAX_CHUNK));
    },
  };
}

/**
 * Worker side: a job's data checked before anything acts on it. Anyone who can write to the
 * queue can add a job, so a job not made by a BullMQExecutor (or corrupted in Redis) must
 * fail on its own with a message that says what is wrong, never reach the thread pool as
 * something it does not expect.
 */
import { decodeItems, type JobData } from './codec.js';

/** Retries of a task that throws that a job may ask for. */
const MAX_RETRIES = 100;

/** A job whose data is not what a BullMQExecutor sends. */
export class MalformedJobError extends Error {
  constructor(jobId: string | undefined, problem: string, options?: ErrorOptions) {
    super(
      `job ${jobId ?? '(no id)'} is not an rxjs-futures job: ${problem}. ` +
        'Only BullMQExecutor should add jobs to a queue that rxjs-futures-worker serves',
      options,
    );
    this.name = 'MalformedJobError';
  }
}

/** The job's data and items, or a MalformedJobError saying what is wrong with them. */
export function checkJob(jobId: string | undefined, raw: unknown): { data: JobData; items: unknown[] } {
  const bad = (problem: string, cause?: unknown) =>
    new MalformedJobError(jobId, problem, cause === undefined ? undefined : { cause });
  if (typeof raw !== 'object' || raw === null) throw bad(`its data is ${raw === null ? 'null' : typeof raw}`);
  const d = raw as Record<string, unknown>;
  if (typeof d.t !== 'string' || d.t === '') throw bad('it names no task (t)');
  if (
    typeof d.a === typeof d.j ||
    (d.a !== undefined && typeof d.a !== 'string') ||
    (d.j !== undefined && typeof d.j !== 'string')
  ) {
    throw bad('it needs its items as exactly one of a (base64) or j (JSON text)');
  }
  if (d.s !== 0 && d.s !== 1) throw bad('s must be 0 or 1');
  for (const key of ['to', 'g'] as const) {
    const v = d[key];
    if (v !== undefined && (typeof v !== 'number' || !(v >= 0) || !Number.isFinite(v))) {
      throw bad(`${key} must be a non-negative number of ms`);
    }
  }
  if (d.r !== undefined && (!Number.isInteger(d.r) || (d.r as number) < 0 || (d.r as number) > MAX_RETRIES)) {
    throw bad(`r must be an integer from 0 to ${MAX_RETRIES}`);
  }
  if (d.o !== undefined && d.o !== 1) throw bad('o must be 1 or absent');
  let items: unknown;
  try {
    items = decodeItems(d as unknown as JobData);
  } catch (err) {
    throw bad(`its items could not be decoded (${(err as Error).message})`, err);
  }
  if (!Array.isArray(items)) throw bad('its items are not a list');
  if (d.s === 1 && !items.every((args) => Array.isArray(args)))
    throw bad('with s: 1 each item must be an argument list');
  return { data: d as unknown as JobData, items };
}

/**
 * Outcomes from the queue's event stream, through the executor's one QueueEvents: a job that
 * started, finished, failed, stalled or vanished moves its chunk along. Events of jobs that
 * are not ours (other executors on the queue) are ignored by id.
 */
import type { QueueEvents } from 'bullmq';
import { CancelledError } from '../../core/errors.js';
import { decodeDone, decodeProgress, type JobOutcome } from './codec.js';
import { JobLostError, TaskNotAllowedError, WorkerLostError } from './errors.js';
import { MAX_STALLED, STALLED_REASON } from './names.js';
import type { RemoteChunk } from './remote-chunk.js';

/** Settles `chunk` with what its job returned. */
export function settleWithOutcome(chunk: RemoteChunk, outcome: JobOutcome): void {
  try {
    switch (outcome.k) {
      case 'done': {
        const { values, errors } = decodeDone(outcome);
        return chunk.settle(values, errors, outcome.ms);
      }
      case 'not-allowed':
        return chunk.fail(new TaskNotAllowedError(outcome.task, outcome.served));
      case 'lost':
        return chunk.fail(
          new WorkerLostError(outcome.runs, 'the executor has atMostOnce: true, so the task was not run again'),
        );
      case 'cancelled':
        return chunk.fail(new CancelledError());
    }
  } catch (err) {
    chunk.fail(
      new Error(`the outcome of job ${chunk.id} could not be read: ${(err as Error).message}`, { cause: err }),
    );
  }
}

/** Settles `chunk` whose job BullMQ failed (our workers report task errors as outcomes instead). */
export function settleWithFailure(chunk: RemoteChunk, reason: string): void {
  chunk.fail(
    reason === STALLED_REASON
      ? new WorkerLostError(MAX_STALLED + 1, 'the task keeps losing its worker, so it is not run again')
      : new Error(`BullMQ failed job ${chunk.id}: ${reason}`),
  );
}

export interface ResultEvents {
  /** The chunk of job `id`, if it is ours and pending. */
  pending(id: string): RemoteChunk | undefined;
  started(chunk: RemoteChunk): void;
  /** A worker was lost and BullMQ queued the job again. */
  stalled(chunk: RemoteChunk): void;
  /** A stopping worker handed the job back unrun. */
  requeued(chunk: RemoteChunk): void;
  /** Job `id` finished ('completed' or 'failed'); `settled` if that settled one of our chunks. */
  finished(id: string, set: 'completed' | 'failed', settled: boolean): void;
  /** The id of the latest event read (a stream entry id). */
  read(eventId: string): void;
}

/** Wires `events` to the pending chunks. */
export function listenForResults(events: QueueEvents, on: ResultEvents): void {
  /**
   * A handler must not throw: the exception would end BullMQ's read loop. An event that cannot
   * be handled (a foreign or corrupt entry) fails its own job's future, nothing else.
   */
  const handle = <A extends { jobId: string }>(event: string, fn: (args: A, chunk: RemoteChunk | undefined) => void) =>
    events.on(
      event as 'active',
      ((args: A, id: string) => {
        on.read(id);
        let chunk: RemoteChunk | undefined;
        try {
          chunk = on.pending(args.jobId);
          fn(args, chunk);
        } catch (err) {
          chunk?.fail(
            new Error(
              `the '${event}' event of job ${args.jobId} could not be read (${(err as Error).message}); ` +
                'something other than rxjs-futures wrote to this queue',
              { cause: err },
            ),
          );
        }
      }) as never,
    );
  handle('active', (_a, chunk) => chunk && on.started(chunk));
  handle<{ jobId: string; returnvalue: unknown }>('completed', ({ jobId, returnvalue }, chunk) => {
    if (chunk) settleWithOutcome(chunk, returnvalue as JobOutcome);
    on.finished(jobId, 'completed', chunk !== undefined);
  });
  handle<{ jobId: string; failedReason: string }>('failed', ({ jobId, failedReason }, chunk) => {
    if (chunk) settleWithFailure(chunk, String(failedReason));
    on.finished(jobId, 'failed', chunk !== undefined);
  });
  handle('stalled', (_a, chunk) => chunk && on.stalled(chunk));
  // Removed by someone else (ours are settled before we remove them): nothing will report it.
  handle('removed', ({ jobId }, chunk) => chunk?.fail(new JobLostError(jobId)));
  handle<{ jobId: string; data: unknown }>('progress', ({ data }, chunk) => {
    const p = chunk && decodeProgress(data);
    if (p) chunk.progress(p.item, p.value);
  });
  // Back from a worker that stopped before running it: queued again, not lost.
  handle<{ jobId: string; prev?: string }>('waiting', ({ prev }, chunk) => {
    if (chunk && prev === 'active') on.requeued(chunk);
  });
  events.on('added', (_args, id) => on.read(id));
}

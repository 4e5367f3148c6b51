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
  events.on('active', ({ jobId }, id) => {
    on.read(id);
    const chunk = on.pending(jobId);
    if (chunk) on.started(chunk);
  });
  events.on('completed', ({ jobId, returnvalue }, id) => {
    on.read(id);
    const chunk = on.pending(jobId);
    if (chunk) settleWithOutcome(chunk, returnvalue as unknown as JobOutcome);
    on.finished(jobId, 'completed', chunk !== undefined);
  });
  events.on('failed', ({ jobId, failedReason }, id) => {
    on.read(id);
    const chunk = on.pending(jobId);
    if (chunk) settleWithFailure(chunk, failedReason);
    on.finished(jobId, 'failed', chunk !== undefined);
  });
  events.on('stalled', ({ jobId }, id) => {
    on.read(id);
    const chunk = on.pending(jobId);
    if (chunk) on.stalled(chunk);
  });
  events.on('removed', ({ jobId }, id) => {
    on.read(id);
    // Removed by someone else (ours are settled before we remove them): nothing will report it.
    on.pending(jobId)?.fail(new JobLostError(jobId));
  });
  events.on('progress', ({ jobId, data }, id) => {
    on.read(id);
    const chunk = on.pending(jobId);
    const p = chunk && decodeProgress(data);
    if (p) chunk.progress(p.item, p.value);
  });
  events.on('waiting', ({ jobId, prev }, id) => {
    on.read(id);
    // Back from a worker that stopped before running it: queued again, not lost.
    const chunk = prev === 'active' ? on.pending(jobId) : undefined;
    if (chunk) on.requeued(chunk);
  });
  events.on('added', (_args, id) => on.read(id));
}

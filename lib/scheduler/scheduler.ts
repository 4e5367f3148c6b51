/**
 * The thread pool's scheduler: a FIFO of chunks on the host, dispatched to workers a few
 * chunks ahead (deeper for tiny chunks, so a worker never waits for a round trip), taken
 * back from a busy worker when another goes idle (stealing), and everything that happens
 * to a chunk afterwards: results, timeouts, cancellation, and the death of its worker.
 */
import { CancelledError, TaskSerializationError, TaskTimeoutError, WorkerCrashedError } from '../core/errors.js';
import { decodeError, decodeErrors } from '../core/decode-error.js';
import { DONE, QUEUED, RUNNING, STOP, WITHDRAWN } from '../protocol.cjs';
import { findUnsendable, runPartitioned } from '../core/serialization-check.js';
import type { ChunkSink } from '../core/chunk.js';
import type { EncodedTask } from '../core/task.js';
import { PoolChunk, unsendable, type ChunkControl, type ChunkLimits } from './pool-chunk.js';
import type { SchedulerMessage } from '../chunk-states/chunk-states.js';
import { ClaimAhead } from './claim-ahead.js';
import { takeWaitingChunk } from './stealing.js';
import { answeredStop, beginStop, stillInGrace } from './stop-path.js';
import { WorkerSet } from './worker-set.js';
import type { Death, WorkerSlot } from './worker-slot.js';

export class Scheduler implements ChunkControl {
  readonly #queue: PoolChunk[] = [];
  #head = 0;
  queuedItems = 0;
  inflightItems = 0;
  /** Moving average of a chunk's run time on a worker, ms: sets how far ahead to send. */
  #avgChunkMs = 0.1;
  #idleWaiters: (() => void)[] = [];
  /** Stopped chunks whose task has not settled yet: shutdown({ wait }) waits for them too (cancelGrace bounds it). */
  readonly #stopping = new Set<PoolChunk>();

  /** Which chunks go to a worker already claimed, and their recall (see claim-ahead.ts). */
  readonly #claims: ClaimAhead;

  constructor(
    readonly workers: WorkerSet,
    private readonly onChange: () => void,
  ) {
    workers.bind(this);
    this.#claims = new ClaimAhead(workers.options.spawner.claimAhead, () => this.dispatch());
  }

  enqueue(
    task: EncodedTask,
    args: unknown[],
    spread: boolean,
    limits: ChunkLimits,
    sink: ChunkSink,
    stream = false,
  ): PoolChunk {
    const chunk = new PoolChunk(this, task, args, spread, limits, sink);
    chunk.stream = stream;
    this.#queue.push(chunk);
    this.queuedItems += args.length;
    this.dispatch();
    return chunk;
  }

  get queueLength(): number {
    return this.#queue.length - this.#head;
  }

  /** Sends queued chunks to workers with room; asks for workers where there are none. */
  dispatch(): void {
    const depth = Math.min(32, Math.max(2, Math.ceil(0.3 / this.#avgChunkMs)));
    while (this.#head < this.#queue.length) {
      const chunk = this.#queue[this.#head]!;
      if (chunk.state !== 'queued') {
        this.#shift();
        continue;
      }
      const slot = this.workers.pick(depth);
      if (!slot) break;
      this.#shift();
      this.queuedItems -= chunk.args.length;
      this.#send(slot, chunk);
    }
    if (this.#head === this.#queue.length) this.#steal();
    // Withdrawn chunks wait in the queue to be skipped; they need no worker.
    this.workers.grow(Math.min(this.queueLength, this.queuedItems));
    this.onChange();
    if (this.#idle()) this.#notifyIdle();
  }

  #shift(): void {
    this.#queue[this.#head] = undefined!; // a settled chunk must not stay reachable
    this.#head++;
    if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue.splice(0, this.#head);
      this.#head = 0;
    }
  }

  #send(slot: WorkerSlot, chunk: PoolChunk): void {
    const claimed = this.#claims.claims(slot, chunk);
    slot.send(chunk, claimed);
    chunk.state = 'sent';
    chunk.slot = slot;
    chunk.claimedAhead = claimed;
    chunk.sentAt = performance.now();
    this.inflightItems += chunk.args.length;
    this.workers.noteBusy(slot);
  }

  /** No worker may idle while a chunk waits behind another (see stealing.ts). */
  #steal(): void {
    let idle = 0;
    for (const thief of this.workers.idleSlots()) {
      const loot = takeWaitingChunk(this.workers.all(), thief);
      if (!loot) {
        idle++; // another idle worker may take what this one must not (a chunk it skipped)
        continue;
      }
      loot.slot.handOver(loot.chunk);
      this.inflightItems -= loot.chunk.args.length;
      this.#send(thief, loot.chunk);
    }
    if (idle > 0) this.#claims.recall(this.workers.all(), idle, this.#avgChunkMs);
  }

  /** A worker gave back a chunk it had not started: it goes first in line, for an idle worker. */
  #recalled(slot: WorkerSlot, id: number): void {
    const chunk = slot.inflight.get(id);
    if (!chunk) return;
    slot.release(chunk);
    chunk.recalling = false;
    if (chunk.state !== 'sent') return; // cancelled meanwhile: it never ran
    this.inflightItems -= chunk.args.length;
    this.#requeueFirst([chunk]);
  }

  /** Chunks that were next in line go back to the front of the queue, in their order. */
  #requeueFirst(chunks: PoolChunk[]): void {
    for (const chunk of chunks.reverse()) {
      chunk.state = 'queued';
      chunk.slot = undefined;
      chunk.claimedAhead = false;
      if (this.#head > 0) this.#queue[--this.#head] = chunk;
      else this.#queue.unshift(chunk);
      this.queuedItems += chunk.args.length;
    }
  }

  onSendFailed(slot: WorkerSlot, chunk: PoolChunk): void {
    if (chunk.state !== 'sent') return;
    this.inflightItems -= chunk.args.length;
    this.#resendCloneable(chunk, slot.spawner.probe);
    this.workers.noteAnswered(slot);
    this.dispatch(); // also wakes shutdown() waiters if that was the last work
  }

  /** The worker's channel refused the chunk: fail the items that cannot be sent (by `probe`), send the rest. */
  #resendCloneable(chunk: PoolChunk, probe: (value: unknown) => void): void {
    // If no single item is to blame, none can be sent: re-sending all would loop forever.
    const errors =
      findUnsendable(chunk.args, chunk.spread, probe) ??
      chunk.args.map(
        () =>
          new TaskSerializationError(
            'the arguments cannot be sent to a worker (postMessage refused them); pass plain data',
          ),
      );
    chunk.state = 'settled';
    const handle = runPartitioned(chunk.args, errors, chunk.sink, (good, sink) =>
      this.enqueue(chunk.task, good, chunk.spread, chunk.limits, sink, chunk.stream),
    );
    if (handle instanceof PoolChunk) chunk.replacedBy = handle;
  }

  onMessage(slot: WorkerSlot, m: SchedulerMessage): void {
    if (m.k === 'crash') {
      const err = decodeError(m.error);
      slot.noteCrash(
        `uncaught error in a task: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`,
        err,
      );
      return;
    }
    if (m.k === 'exit') {
      slot.noteExitCall(m.code, m.call);
      return;
    }
    if (m.k === 'recalled') return this.#recalled(slot, m.id);
    if (m.k === 'done' && slot.skipped(m.id)) return; // a chunk another worker took
    const chunk = slot.inflight.get(m.id);
    if (!chunk) return;
    if (m.k === 'partial') {
      chunk.partial = { values: m.values, errors: decodeErrors(m.errors) };
      return;
    }
    if (m.k === 'stopping') {
      answeredStop(chunk, () => this.#terminateFor(slot, chunk));
      return;
    }
    if (m.k === 'progress') {
      try {
        chunk.sink.progress?.(m.item, m.value);
      } catch {
        // A sink that throws (one passing the value on, as a remote worker does) loses that
        // value; thrown here, it would end the host process from a worker's message handler.
      }
      return;
    }
    if (m.k === 'values') {
      if (chunk.state === 'sent') chunk.sink.values?.(m.values);
      return;
    }
    if (m.k === 'start') {
      clearTimeout(chunk.timer);
      chunk.timer = setTimeout(() => this.#timeout(chunk), chunk.limits.timeoutMs);
      return;
    }
    slot.release(chunk);
    clearTimeout(chunk.stopTimer); // a stopped task settled in time: its worker stays
    this.#stopping.delete(chunk);
    if (chunk.state === 'sent') {
      this.inflightItems -= chunk.args.length;
      this.#avgChunkMs = this.#avgChunkMs * 0.8 + Math.max(m.ms, 0.001) * 0.2;
      this.#claims.measure(chunk.task.id, m.ms);
      chunk.settle(m.values, decodeErrors(m.errors), m.ms);
    }
  }

  afterMessages(slot: WorkerSlot): void {
    this.workers.noteAnswered(slot);
    this.dispatch();
  }

  // ---- ChunkControl: what a chunk's handle asks of us ----

  withdraw(chunk: PoolChunk): boolean {
    if (chunk.state === 'queued') {
      this.queuedItems -= chunk.args.length;
      chunk.failAll(new CancelledError());
      this.dispatch();
      return true;
    }
    if (chunk.state === 'sent' && chunk.slot!.compareExchangeRing(chunk, QUEUED, WITHDRAWN) === QUEUED) {
      // The worker will skip it and acknowledge; the ring slot is freed then.
      this.inflightItems -= chunk.args.length;
      chunk.failAll(new CancelledError());
      this.onChange();
      return true;
    }
    return false;
  }

  cancel(chunk: PoolChunk, stopRunning: boolean): void {
    if (chunk.state === 'settled' || this.withdraw(chunk)) return;
    const slot = chunk.slot!;
    // Still running (not DONE, its outcome not already on the way)? Ask it to stop.
    if (slot.compareExchangeRing(chunk, RUNNING, STOP) !== RUNNING) return;
    if (chunk.claimedAhead && slot.waitsBehind(chunk)) return this.#skipWaiting(slot, chunk, stopRunning);
    if (stopRunning) this.#stop(slot, chunk, new CancelledError());
  }

  /**
   * A chunk handed over claimed that, as far as the host knows, has not started: it settles
   * now, and its worker skips it (STOP is set). Its worker is never terminated for it: that
   * would fail the chunk ahead of it, someone else's. Had it just started after all, its
   * signal aborts (with stopRunning) and it runs to its end.
   */
  #skipWaiting(slot: WorkerSlot, chunk: PoolChunk, stopRunning: boolean): void {
    const error = new CancelledError();
    if (stopRunning) slot.postAbort(chunk, error);
    this.inflightItems -= chunk.args.length;
    chunk.failAll(error);
    this.onChange();
  }

  grant(chunk: PoolChunk, total: number): void {
    if (chunk.state === 'sent') chunk.slot?.postCredit(chunk, total);
  }

  #timeout(chunk: PoolChunk): void {
    if (chunk.state !== 'sent' || !chunk.slot) return;
    if (chunk.slot.compareExchangeRing(chunk, RUNNING, STOP) === DONE) return;
    this.#stop(chunk.slot, chunk, new TaskTimeoutError(chunk.limits.timeoutMs!));
  }

  /** Stops a running chunk: it settles now with `error`; its worker is kept if the task stops in time. */
  #stop(slot: WorkerSlot, chunk: PoolChunk, error: Error): void {
    slot.drain(); // its outcome, or its neighbours' results, may already be here
    if (chunk.state !== 'sent') return; // it finished meanwhile
    this.inflightItems -= chunk.args.length;
    chunk.failAll(error); // whatever the task returns or throws from now on
    this.onChange();
    this.#stopping.add(chunk);
    beginStop(slot, chunk, error, () => this.#terminateFor(slot, chunk));
  }

  /** The stopped chunk did not settle in time: its worker goes, the others' chunks move on. */
  #terminateFor(slot: WorkerSlot, chunk: PoolChunk): void {
    if (!slot.inflight.has(chunk.id)) return this.#stopped(chunk); // it settled in time, or its worker died anyway
    const wasReady = slot.ready;
    slot.ready = false; // draining dispatches: nothing new may go to a worker that may be terminated next
    slot.drain();
    if (!slot.inflight.has(chunk.id)) {
      slot.ready = wasReady && !slot.dead;
      return this.#stopped(chunk);
    }
    if (stillInGrace(chunk)) {
      slot.ready = wasReady && !slot.dead; // it heard (the drain found its answer): the grace decides
      return;
    }
    this.#stopped(chunk);
    slot.terminate('stopped to cancel its task');
    // #rescue releases every chunk, this one too; before that, it still shows which ones waited behind it.
    this.#rescue(slot, new WorkerCrashedError('terminated while stopping another task', undefined));
    this.workers.remove(slot, true);
    this.dispatch();
  }

  /** A stopped chunk is over, one way or the other. */
  #stopped(chunk: PoolChunk): void {
    clearTimeout(chunk.stopTimer);
    this.#stopping.delete(chunk);
    this.dispatch();
  }

  /** A worker died: chunks it never started go back to the queue, the started ones fail. */
  onExit(slot: WorkerSlot, death: Death): void {
    const crash = new WorkerCrashedError(death.reason, death.exitCode, { cause: death.error, signal: death.signal });
    this.#rescue(slot, crash);
    this.workers.remove(slot, !death.requested);
    this.dispatch();
  }

  #rescue(slot: WorkerSlot, crash: Error): void {
    const requeue: PoolChunk[] = [];
    // The worker ran its chunks in order: only the first claimed one can have started.
    const waiting = new Set([...slot.inflight.values()].filter((c) => c.claimedAhead && slot.waitsBehind(c)));
    for (const chunk of slot.inflight.values()) {
      slot.release(chunk);
      clearTimeout(chunk.stopTimer);
      this.#stopping.delete(chunk);
      if (chunk.state !== 'sent') continue;
      this.inflightItems -= chunk.args.length;
      const state = slot.compareExchangeRing(chunk, QUEUED, WITHDRAWN);
      if (state === QUEUED && chunk.moved) {
        chunk.failAll(unsendable(crash));
      } else if (state === QUEUED || waiting.has(chunk)) {
        requeue.push(chunk);
      } else {
        // Without shared memory the host may not know the item: then nothing of it runs again.
        const at = state === DONE ? chunk.args.length : (slot.progress(chunk) ?? chunk.partial?.values.length);
        const rest = chunk.failFrom(at ?? chunk.args.length - 1, crash);
        if (rest) requeue.push(rest);
      }
    }
    this.#requeueFirst(requeue);
  }

  /** Fails every chunk not yet finished (the executor broke). */
  failEverything(error: Error): void {
    // Take everything out first: settling runs user callbacks, which may submit or cancel.
    const queued = this.#queue.splice(this.#head);
    this.#queue.length = this.#head = this.queuedItems = 0;
    const sent = this.workers.all().flatMap((slot) => {
      const chunks = [...slot.inflight.values()];
      slot.inflight.clear();
      return chunks;
    });
    this.inflightItems = 0;
    for (const chunk of this.#stopping) clearTimeout(chunk.stopTimer);
    this.#stopping.clear();
    for (const chunk of [...queued, ...sent]) chunk.failAll(error);
    this.dispatch();
  }

  /** Cancels what has not started (shutdown with cancelFutures). */
  cancelPending(): void {
    // A snapshot: each withdraw dispatches, which moves (and may compact) the queue.
    const queued = this.#queue.slice(this.#head).filter((c) => c !== undefined);
    const sent = this.workers.all().flatMap((slot) => [...slot.inflight.values()]);
    for (const chunk of [...queued, ...sent]) this.withdraw(chunk);
    this.dispatch();
  }

  /** Items of stopped chunks whose task is still running (their worker still counts them as running). */
  stoppingItems(): number {
    let n = 0;
    for (const chunk of this.#stopping) n += chunk.args.length;
    return n;
  }

  #idle(): boolean {
    return this.queueLength === 0 && this.inflightItems === 0 && this.#stopping.size === 0;
  }

  whenIdle(): Promise<void> {
    if (this.#idle()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #notifyIdle(): void {
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const w of waiters) w();
  }
}

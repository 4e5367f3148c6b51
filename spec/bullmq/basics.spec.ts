/**
 * BullMQExecutor against a real redis-server and real rxjs-futures-worker processes: the
 * Executor contract (submit, map, parallelMap ≡ map), structured-clone fidelity, error
 * fidelity, the allow-list, and what cannot be sent.
 */
import { expect } from 'chai';
import { join } from 'node:path';
import { from, lastValueFrom, map, range, toArray } from 'rxjs';
import {
  CancelledError,
  TaskError,
  TaskSerializationError,
  TaskTimeoutError,
  parallelMap,
  task,
} from '../../lib/index.js';
import { TaskNotAllowedError, remoteTask } from '../../lib/executors/bullmq/index.js';
import {
  add,
  echo,
  failOrSquare,
  failQuota,
  failTimes,
  failWith,
  returnFunction,
  sleepThen,
  square,
  throwValue,
} from './remote-tasks.js';
import { runScript } from '../helpers/child-process.js';
import { rejectionOf, waitUntil } from '../helpers/executors.js';
import { TASKS, useCluster, useTempDir } from './cluster.js';

describe('BullMQExecutor: the Executor contract on worker processes', function () {
  this.timeout(30_000);
  const cluster = useCluster();
  const tempDir = useTempDir('rxjs-futures-retries-');

  it('submit runs a served task on a worker process; the ready line names queue, threads and tasks', async () => {
    const worker = await cluster.startWorker({ threads: 1 });
    expect(worker.readyLine).to.match(/^rxjs-futures-worker ready queue=q\d+ threads=1 concurrency=2 tasks=\S*add,/);
    const ex = cluster.executor();
    expect(await ex.submit(add, 1, 2)).to.equal(3);
    await waitUntil(() => ex.stats().workers === 1, 'the worker to be seen');
    expect(ex.stats()).to.include({ workers: 1, queued: 0, running: 0, completed: 1 });
  });

  it('map and parallelMap give exactly what map gives, values and error position, for any timing', async () => {
    await cluster.startWorker({ threads: 2 });
    await cluster.startWorker({ threads: 1 });
    const ex = cluster.executor();
    const items = Array.from({ length: 60 }, (_, i) => i);
    expect(await lastValueFrom(ex.map(square, items).pipe(toArray()))).to.deep.equal(items.map((x) => x * x));
    // Scattered delays and one slow head: the output is still in input order.
    const delays = items.map((i) => (i === 0 ? 300 : (i * 37) % 50));
    const pairs = items.map((i) => [delays[i]!, i] as [number, number]);
    expect(await lastValueFrom(ex.starmap(sleepThen, pairs, { chunksize: 1 }).pipe(toArray()))).to.deep.equal(items);
    const viaOperator = await lastValueFrom(from(items).pipe(parallelMap(square, { executor: ex }), toArray()));
    expect(viaOperator).to.deep.equal(items.map((x) => x * x));
  });

  it('an error stops parallelMap at its position, after the values before it, as map would', async () => {
    await cluster.startWorker({ threads: 2 });
    const ex = cluster.executor();
    const seen: unknown[] = [];
    const err = await rejectionOf(
      lastValueFrom(
        range(0, 20).pipe(
          parallelMap(failOrSquare, { executor: ex, chunksize: 3 }),
          map((v) => seen.push(v)),
        ),
      ),
    );
    expect(err).to.be.instanceOf(RangeError);
    expect(seen).to.deep.equal([0, 1, 4, 9, 16, 25, 36]);
  });

  it('arguments and results keep structured-clone fidelity (Date, Map, Set, typed arrays, BigInt, undefined)', async () => {
    await cluster.startWorker();
    const ex = cluster.executor();
    const value = {
      date: new Date(1_700_000_000_000),
      map: new Map<unknown, unknown>([
        [1, 'a'],
        ['b', new Set([1, 2])],
      ]),
      bytes: new Uint8Array([1, 2, 3]),
      floats: new Float64Array([0.5, -0]),
      big: 12345678901234567890n,
      nothing: undefined,
      nan: NaN,
      nested: [undefined, null, { deep: new Date(0) }],
      error: new TypeError('as a value'),
    };
    const back = (await ex.submit(echo, value)) as typeof value;
    expect(back).to.deep.equal(value);
    expect(back.date).to.be.instanceOf(Date);
    expect(back.error).to.be.instanceOf(TypeError);
    expect(Object.prototype.hasOwnProperty.call(back, 'nothing')).to.equal(true);
    expect(await ex.submit(echo, undefined)).to.equal(undefined);
  });

  it('errors keep class, name, message, own properties, cause and the worker stack; non-Errors become TaskError', async () => {
    await cluster.startWorker();
    const ex = cluster.executor();
    const err = (await ex.submit(failWith, 'too big').exception()) as RangeError & { code: string; extra: number };
    expect(err).to.be.instanceOf(RangeError);
    expect(err.name).to.equal('RangeError');
    expect(err.message).to.equal('too big');
    expect(err.code).to.equal('E_RANGE');
    expect(err.extra).to.equal(42);
    expect(err.cause).to.be.instanceOf(TypeError);
    expect((err.cause as Error).message).to.equal('the cause');
    expect(err.stack).to.contain('bullmq-tasks.js');
    const custom = (await ex.submit(failQuota).exception()) as Error & { limit: number };
    expect(custom.name).to.equal('QuotaError');
    expect(custom.limit).to.equal(3);
    const thrown = await ex.submit(throwValue, { why: 'a plain object' }).exception();
    expect(thrown).to.be.instanceOf(TaskError);
    expect((thrown as TaskError).value).to.deep.equal({ why: 'a plain object' });
    const timedOut = await rejectionOf(lastValueFrom(ex.starmap(sleepThen, [[5000, 1]], { taskTimeout: 200 })));
    expect(timedOut).to.be.instanceOf(TaskTimeoutError);
  });

  it('a job naming a task the worker does not serve fails with TaskNotAllowedError and never runs', async () => {
    await cluster.startWorker();
    const ex = cluster.executor();
    const err = await ex.submit(remoteTask('process.exit')).exception();
    expect(err).to.be.instanceOf(TaskNotAllowedError);
    expect((err as TaskNotAllowedError).task).to.equal('process.exit');
    expect((err as TaskNotAllowedError).served).to.include('add');
    expect((err as Error).message).to.contain('--tasks');
    expect(await ex.submit(add, 2, 2)).to.equal(4); // the worker goes on
  });

  it('an inline function or a task(url) throws TypeError at submit, map and parallelMap, pointing to remoteTask', () => {
    const ex = cluster.executor();
    const inline = (x: number) => x + 1;
    expect(() => ex.submit(inline, 1)).to.throw(TypeError, /remoteTask/);
    expect(() => ex.map(inline, [1])).to.throw(TypeError, /remoteTask/);
    expect(() => parallelMap(inline, { executor: ex })).to.throw(TypeError, /remoteTask/);
    expect(() => ex.submit(task(TASKS, 'add'), 1, 2)).to.throw(TypeError, /remoteTask\('add'\)/);
    expect(() => remoteTask('')).to.throw(TypeError);
  });

  it('what cannot be serialized fails its own future with TaskSerializationError; submit never throws', async () => {
    await cluster.startWorker();
    const ex = cluster.executor();
    const bad = ex.submit(echo, { f: () => 1 } as unknown as number);
    expect(await bad.exception()).to.be.instanceOf(TaskSerializationError);
    expect(((await bad.exception()) as Error).message).to.match(/argument 0/);
    const result = await ex.submit(returnFunction).exception();
    expect(result).to.be.instanceOf(TaskSerializationError);
    expect((result as Error).message).to.match(/result/);
    const mixed = await lastValueFrom(
      ex.map(echo, [1, { f: () => 1 } as unknown as number, 3], { errors: 'end' }).pipe(toArray()),
    ).catch((e: unknown) => e);
    expect(mixed).to.be.instanceOf(TaskSerializationError);
  });

  it('future.cancel() removes a job that has not started (true), and is false once it runs', async () => {
    const ex = cluster.executor();
    const waiting = ex.submit(add, 1, 1);
    await new Promise((r) => setTimeout(r, 200)); // queued in Redis, no worker yet
    expect(waiting.cancel()).to.equal(true);
    expect(await rejectionOf(waiting.result())).to.be.instanceOf(CancelledError);
    await cluster.startWorker();
    const running = ex.submit(sleepThen, 1000, 'done');
    await waitUntil(() => running.running(), 'the job to start');
    expect(running.cancel()).to.equal(false);
    expect(await running).to.equal('done');
  });

  it('retries runs again a task that throws, up to that many times; the default 0 fails at once', async () => {
    await cluster.startWorker();
    const once = cluster.executor();
    expect(await once.submit(failTimes, join(tempDir(), 'a'), 2).exception()).to.be.instanceOf(Error);
    const patient = cluster.executor({ retries: 2 });
    expect(await patient.submit(failTimes, join(tempDir(), 'b'), 2)).to.equal(3);
  });

  it('stats(): queued = submitted and not started, running = started on a worker, workers = processes seen', async () => {
    const ex = cluster.executor();
    const futures = [ex.submit(sleepThen, 600, 1), ex.submit(sleepThen, 600, 2), ex.submit(sleepThen, 600, 3)];
    await waitUntil(() => ex.stats().queued === 3, 'three queued tasks');
    expect(ex.stats()).to.include({ running: 0, workers: 0 });
    await cluster.startWorker({ threads: 1, concurrency: 2 });
    await waitUntil(() => ex.stats().running === 2, 'two running tasks');
    expect(ex.stats().queued).to.equal(1);
    await waitUntil(() => ex.stats().workers === 1, 'the worker to be seen');
    await Promise.all(futures);
    expect(ex.stats()).to.include({ queued: 0, running: 0, completed: 3 });
  });

  it('a script that uses the executor and calls shutdown() exits by itself', async () => {
    await cluster.startWorker();
    const entry = new URL('../../lib/executors/bullmq/index.js', import.meta.url).href;
    const run = await runScript(
      `import { BullMQExecutor, remoteTask } from ${JSON.stringify(entry)};
       const ex = new BullMQExecutor({ connection: ${JSON.stringify(cluster.server.url)}, queue: ${JSON.stringify(cluster.queue)} });
       console.log(await ex.submit(remoteTask('add'), 20, 22));
       await ex.shutdown();`,
      15_000,
    );
    expect(run.stderr).to.equal('');
    expect(run).to.include({ code: 0, timedOut: false });
    expect(run.stdout.trim()).to.equal('42');
  });

  it('shutdown() resolves, and submit throws after it', async () => {
    await cluster.startWorker();
    const ex = cluster.executor();
    const f = ex.submit(sleepThen, 300, 'late');
    await ex.shutdown();
    expect(f.done()).to.equal(true);
    expect(await f).to.equal('late');
    expect(() => ex.submit(add, 1, 2)).to.throw(/shut down/);
  });
});

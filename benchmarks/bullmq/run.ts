/**
 * `npm run bench:bullmq`: BullMQExecutor against bare BullMQ written with its best practices
 * (a Queue, a Worker with a plain processor, one QueueEvents, client-chosen job ids, addBulk
 * in batches of 1,000, jobs removed on completion), on the same redis-server (our own, on a
 * free port) and the same two worker processes, which serve both sides. Interleaved rounds,
 * medians; written to benchmarks/results/bullmq.md. `--quick` for fewer, smaller rounds.
 */
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { lastValueFrom, reduce } from 'rxjs';
import { BullMQExecutor, remoteTask } from '../../lib/executors/bullmq/index.js';
import { machine } from '../harness/machine.js';
import { resultsDir } from '../harness/paths.js';
import { fmtNum, median, now } from '../harness/stats.js';
import { cpuPerUnit } from '../harness/proc-cpu.js';
import { RedisServer } from '../../spec/bullmq/redis-server.js';
import type * as Tasks from './tasks.js';
import { spin as spinHere } from './tasks.js';

const quick = process.argv.includes('--quick');
const ROUNDS = quick ? 3 : 5;
const JOBS = quick ? 1000 : 3000;
const MAP_ITEMS = quick ? 50_000 : 300_000;
const TRIPS = quick ? 100 : 300;
const CPU_TASKS = 40;
const CPU_MS = 25;
const WORKERS = 2;
const CONCURRENCY = 8;

const inc = remoteTask<typeof Tasks.inc>('inc');
const spin = remoteTask<typeof Tasks.spin>('spin');

const server = await RedisServer.start();
const workerJs = fileURLToPath(new URL('./worker.js', import.meta.url));
const workers: ChildProcess[] = [];
for (let i = 0; i < WORKERS; i++) {
  const child = spawn(process.execPath, [workerJs, server.url, 'rxf', 'bare', String(CONCURRENCY)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  workers.push(child);
  await new Promise<void>((resolve) => child.stdout!.on('data', (d: Buffer) => d.includes('ready') && resolve()));
}

const ex = new BullMQExecutor({ connection: server.url, queue: 'rxf' });
while (ex.stats().workers < WORKERS) await new Promise((r) => setTimeout(r, 50));

// Bare BullMQ, as its docs recommend for a producer that waits for results.
const bareQueue = new Queue('bare', { connection: new Redis(server.url, { enableOfflineQueue: false }) });
const bareEvents = new QueueEvents('bare', { connection: new Redis(server.url, { maxRetriesPerRequest: null }) });
await Promise.all([bareQueue.waitUntilReady(), bareEvents.waitUntilReady()]);
const waiting = new Map<string, () => void>();
bareEvents.on('completed', ({ jobId }) => waiting.get(jobId)?.());
let serial = 0;

/** Resolves once every job id has completed; registered before the jobs are added. */
function completions(ids: string[]): Promise<void> {
  let left = ids.length;
  return new Promise((resolve) => {
    for (const id of ids) {
      waiting.set(id, () => {
        waiting.delete(id);
        if (--left === 0) resolve();
      });
    }
  });
}

async function bareJobsPerSecond(n: number): Promise<number> {
  const ids = Array.from({ length: n }, () => `b${serial++}`);
  const done = completions(ids);
  const t0 = now();
  for (let i = 0; i < n; i += 1000) {
    await bareQueue.addBulk(
      ids.slice(i, i + 1000).map((jobId, k) => ({
        name: 'inc',
        data: { x: i + k },
        opts: { jobId, removeOnComplete: true, removeOnFail: true },
      })),
    );
  }
  await done;
  return n / ((now() - t0) / 1000);
}

async function oursJobsPerSecond(n: number): Promise<number> {
  const t0 = now();
  await Promise.all(Array.from({ length: n }, (_, i) => ex.submit(inc, i)));
  return n / ((now() - t0) / 1000);
}

async function oursMapItemsPerSecond(n: number): Promise<number> {
  const t0 = now();
  const count = await lastValueFrom(
    ex
      .map(
        inc,
        Array.from({ length: n }, (_, i) => i),
      )
      .pipe(reduce((c: number) => c + 1, 0)),
  );
  if (count !== n) throw new Error(`map gave ${count} of ${n} values`);
  return n / ((now() - t0) / 1000);
}

async function bareRoundTripMs(k: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < k; i++) {
    const jobId = `t${serial++}`;
    const done = completions([jobId]);
    const t0 = now();
    await bareQueue.add('inc', { x: i }, { jobId, removeOnComplete: true, removeOnFail: true });
    await done;
    times.push(now() - t0);
  }
  return median(times);
}

async function oursRoundTripMs(k: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < k; i++) {
    const t0 = now();
    await ex.submit(inc, i);
    times.push(now() - t0);
  }
  return median(times);
}

function serialCpuMs(): number {
  const t0 = now();
  for (let i = 0; i < CPU_TASKS; i++) spinHere(CPU_MS);
  return now() - t0;
}

async function oursCpuMs(): Promise<number> {
  const t0 = now();
  await lastValueFrom(ex.map(spin, new Array<number>(CPU_TASKS).fill(CPU_MS)).pipe(reduce((c: number) => c + 1, 0)));
  return now() - t0;
}

/** Whose CPU the submit scenario counts: where a trivial job's cost goes. */
const pids: Record<string, number | undefined> = { host: process.pid, redis: server.pid };
const cpu = { ours: [] as Record<string, number>[], bare: [] as Record<string, number>[] };
const switches = { ours: [] as Record<string, number>[], bare: [] as Record<string, number>[] };
/**
 * Runs a submit measurement and records the CPU µs and the context switches per job of each
 * process (the workers summed).
 */
async function counted(side: 'ours' | 'bare', run: () => Promise<number>): Promise<number> {
  const each = Object.fromEntries(workers.map((w, i) => [`w${i}`, w.pid]));
  const { result, perUnit, switchesPerUnit } = await cpuPerUnit({ ...pids, ...each }, JOBS, run);
  const byRole = (per: Record<string, number>) => ({
    host: per.host!,
    workers: workers.reduce((sum, _, i) => sum + per[`w${i}`]!, 0),
    redis: per.redis!,
  });
  cpu[side].push(byRole(perUnit));
  switches[side].push(byRole(switchesPerUnit));
  return result;
}

const r = {
  bareJobs: [] as number[],
  oursJobs: [] as number[],
  oursMap: [] as number[],
  bareTrip: [] as number[],
  oursTrip: [] as number[],
  serialCpu: [] as number[],
  oursCpu: [] as number[],
};
// Warm-up, one round's worth each, not timed: JIT, connections, the workers' threads (with
// 200 jobs, the first timed round of either side still ran 20-45% below the others).
await oursJobsPerSecond(JOBS);
await bareJobsPerSecond(JOBS);
await oursMapItemsPerSecond(10_000);
for (let round = 0; round < ROUNDS; round++) {
  const oursFirst = round % 2 === 0;
  const pair = async (ours: () => Promise<void>, bare: () => Promise<void>) => {
    if (oursFirst) await ours().then(bare);
    else await bare().then(ours);
  };
  await pair(
    async () => void r.oursJobs.push(await counted('ours', () => oursJobsPerSecond(JOBS))),
    async () => void r.bareJobs.push(await counted('bare', () => bareJobsPerSecond(JOBS))),
  );
  r.oursMap.push(await oursMapItemsPerSecond(MAP_ITEMS));
  await pair(
    async () => void r.oursTrip.push(await oursRoundTripMs(TRIPS)),
    async () => void r.bareTrip.push(await bareRoundTripMs(TRIPS)),
  );
  await pair(
    async () => void r.oursCpu.push(await oursCpuMs()),
    async () => void r.serialCpu.push(serialCpuMs()),
  );
  process.stderr.write(`round ${round + 1}/${ROUNDS} done\n`);
}

const m = Object.fromEntries(Object.entries(r).map(([k, v]) => [k, median(v)])) as Record<keyof typeof r, number>;
const ratios = {
  submit: m.oursJobs / m.bareJobs,
  map: m.oursMap / m.bareJobs,
  trip: m.oursTrip / m.bareTrip,
  cpu: m.serialCpu / m.oursCpu,
};
/** Medians per job, per process, as "host 87, workers 146, redis 110 (343 in all)". */
const perJobLine = (rows: Record<string, number>[], digits: number) => {
  const parts = ['host', 'workers', 'redis'].map((k) => [k, median(rows.map((row) => row[k]!))] as const);
  if (parts.some(([, v]) => Number.isNaN(v))) return 'not measured (no /proc)';
  return `${parts.map(([k, v]) => `${k} ${v.toFixed(digits)}`).join(', ')} (${parts.reduce((a, [, v]) => a + v, 0).toFixed(digits)} in all)`;
};
const ok = (pass: boolean) => (pass ? 'met' : '**not met**');
const info = machine();
const report = `# BullMQExecutor against bare BullMQ (npm run bench:bullmq)

- Machine: ${info.cpu} × ${info.cores}, ${info.memGB} GB, ${info.os}; Node ${info.node}; load ${info.load}
- Date: ${info.date}; ${ROUNDS} interleaved rounds, medians${quick ? ' (--quick)' : ''}
- Redis: our own redis-server on a free port (no persistence); bullmq ${(await import('bullmq/package.json', { with: { type: 'json' } })).default.version}
- Workers: the same ${WORKERS} processes serve both sides, each with concurrency ${CONCURRENCY} (rxjs-futures-worker: 1 thread each)
- Bare BullMQ: Queue + Worker (plain processor) + one QueueEvents, client-chosen job ids, \`addBulk\` in batches of 1,000, removeOnComplete

| check | rxjs-futures | bare BullMQ | ratio | target |
|---|--:|--:|--:|--:|
| trivial tasks, ${fmtNum(JOBS)} at once: \`submit\` vs one job each | ${fmtNum(m.oursJobs)} jobs/s | ${fmtNum(m.bareJobs)} jobs/s | ${ratios.submit.toFixed(2)}× | ≥ 0.8× (${ok(ratios.submit >= 0.8)}) |
| chunked \`map\` of ${fmtNum(MAP_ITEMS)} trivial items vs one job per item | ${fmtNum(m.oursMap)} items/s | ${fmtNum(m.bareJobs)} items/s | ${ratios.map.toFixed(1)}× | ≥ 20× (${ok(ratios.map >= 20)}) |
| sequential round trip, p50 of ${TRIPS} | ${m.oursTrip.toFixed(2)} ms | ${m.bareTrip.toFixed(2)} ms | ${ratios.trip.toFixed(2)}× | ≤ 1.5× (${ok(ratios.trip <= 1.5)}) |
| CPU-bound: ${CPU_TASKS} tasks of ${CPU_MS} ms on ${WORKERS} worker processes vs serial here | ${m.oursCpu.toFixed(0)} ms | serial ${m.serialCpu.toFixed(0)} ms | ${ratios.cpu.toFixed(2)}× speedup | ≥ 1.7× (${ok(ratios.cpu >= 1.7)}) |

Rounds (rxjs-futures / bare): submit ${r.oursJobs.map((x) => fmtNum(x)).join(', ')} / ${r.bareJobs.map((x) => fmtNum(x)).join(', ')} jobs/s;
map ${r.oursMap.map((x) => fmtNum(x)).join(', ')} items/s; round trip ${r.oursTrip.map((x) => x.toFixed(2)).join(', ')} / ${r.bareTrip.map((x) => x.toFixed(2)).join(', ')} ms;
CPU ${r.oursCpu.map((x) => x.toFixed(0)).join(', ')} ms, serial ${r.serialCpu.map((x) => x.toFixed(0)).join(', ')} ms.

CPU time per trivial job in the \`submit\` check, µs (medians of the rounds; /proc, all threads of each process):
rxjs-futures ${perJobLine(cpu.ours, 0)}; bare BullMQ ${perJobLine(cpu.bare, 0)}.
Context switches per job in the same check (a thread that slept and was woken, or was preempted):
rxjs-futures ${perJobLine(switches.ours, 2)}; bare BullMQ ${perJobLine(switches.bare, 2)}.

This machine has ${info.cores} cores shared by Redis, the two worker processes and this process (and any other work on it: see the load), so absolute figures are low; the ratios are what the run compares.
`;
writeFileSync(path.join(resultsDir, 'bullmq.md'), report);
process.stdout.write(report);

await ex.shutdown();
await Promise.all([bareQueue.close(), bareEvents.close()]);
for (const w of workers) w.kill('SIGTERM');
await Promise.all(workers.map((w) => new Promise((resolve) => w.once('exit', resolve))));
await server.dispose();
process.exit(0);

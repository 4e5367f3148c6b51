/** The fixture tasks (spec/fixtures/bullmq-tasks.ts) as the executor names them, typed from the module. */
import { remoteTask } from '../../lib/executors/bullmq/index.js';
import type * as Tasks from '../fixtures/bullmq-tasks.js';

export const add = remoteTask<typeof Tasks.add>('add');
export const countRun = remoteTask<typeof Tasks.countRun>('countRun');
export const echo = remoteTask<typeof Tasks.echo>('echo');
export const failOrSquare = remoteTask<typeof Tasks.failOrSquare>('failOrSquare');
export const failQuota = remoteTask<typeof Tasks.failQuota>('failQuota');
export const failTimes = remoteTask<typeof Tasks.failTimes>('failTimes');
export const failWith = remoteTask<typeof Tasks.failWith>('failWith');
export const killWorker = remoteTask<typeof Tasks.killWorker>('killWorker');
export const nap = remoteTask<typeof Tasks.nap>('nap');
export const returnFunction = remoteTask<typeof Tasks.returnFunction>('returnFunction');
export const sleepThen = remoteTask<typeof Tasks.sleepThen>('sleepThen');
export const spinForever = remoteTask<typeof Tasks.spinForever>('spinForever');
export const square = remoteTask<typeof Tasks.square>('square');
export const throwValue = remoteTask<typeof Tasks.throwValue>('throwValue');
export const waitForAbort = remoteTask<typeof Tasks.waitForAbort>('waitForAbort');
export const whoami = remoteTask<typeof Tasks.whoami>('whoami');
export const countWithProgress = remoteTask<typeof Tasks.countWithProgress>('countWithProgress');
export const reportUnsendable = remoteTask<typeof Tasks.reportUnsendable>('reportUnsendable');

/**
 * A job fetched while its worker stops goes back to the queue unrun; when Redis refuses that
 * (it dropped during the SIGTERM), BullMQ must not fail the job: its task never ran.
 */
import { expect } from 'chai';
import { WaitingError, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { handBack } from '../../lib/executors/bullmq/hand-back.js';
import { queueKeys } from '../../lib/executors/bullmq/names.js';

describe('rxjs-futures-worker: handing a job back while stopping', function () {
  const keys = queueKeys('q');
  const calls: string[] = [];
  const commands = {
    hincrby: async (key: string, field: string, by: number) => void calls.push(`hincrby ${key} ${field} ${by}`),
  } as unknown as Redis;
  const job = (moveToWait: () => Promise<void>) => ({ id: 'j1', moveToWait }) as unknown as Job;
  beforeEach(() => (calls.length = 0));

  it('uncounts its start, moves it to wait, and tells BullMQ so (WaitingError)', async () => {
    const err = await handBack(
      commands,
      keys,
      job(async () => void calls.push('moveToWait')),
      'token',
    ).catch((e) => e);
    expect(err).to.be.instanceOf(WaitingError);
    expect(calls).to.deep.equal(['hincrby bull:q:j1 ats -1', 'moveToWait']);
  });

  it('Redis refusing the move still ends in WaitingError, so BullMQ leaves the job to its lock instead of failing it', async () => {
    const refused = job(() => Promise.reject(new Error('Connection is closed.')));
    const err = await handBack(commands, keys, refused, 'token').catch((e) => e);
    expect(err).to.be.instanceOf(WaitingError);
  });
});

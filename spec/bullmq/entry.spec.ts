/**
 * bullmq and ioredis are optional peers: the root entry and the operators load without them;
 * only rxjs-futures/bullmq needs them.
 */
import { expect } from 'chai';
import { runScript } from '../helpers/child-process.js';

const dist = (path: string) => new URL(`../../${path}`, import.meta.url).href;

/** A script that cannot resolve bullmq or ioredis, then imports `entry` and prints what it got. */
const withoutPeers = (entry: string) => `
  import { register } from 'node:module';
  register('data:text/javascript,' + encodeURIComponent(
    "export async function resolve(s, c, next) { if (s === 'bullmq' || s === 'ioredis') throw new Error('not installed: ' + s); return next(s, c); }"
  ));
  try {
    const m = await import(${JSON.stringify(entry)});
    console.log('loaded', Object.keys(m).length);
  } catch (err) {
    console.log('failed', err.message);
  }`;

describe('rxjs-futures/bullmq: optional peer dependencies', function () {
  this.timeout(20_000);

  it('the root entry and rxjs-futures/operators load without bullmq and ioredis installed', async () => {
    for (const entry of [dist('lib/index.js'), dist('operators/index.js')]) {
      const run = await runScript(withoutPeers(entry));
      expect(run.stdout, entry).to.match(/^loaded \d+/);
    }
  });

  it('rxjs-futures/bullmq is what needs them', async () => {
    const run = await runScript(withoutPeers(dist('lib/executors/bullmq/index.js')));
    expect(run.stdout).to.match(/^failed not installed: (bullmq|ioredis)/);
  });
});

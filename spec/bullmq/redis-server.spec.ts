/**
 * The spec helper's redis-servers do not outlive a mocha that exits abnormally: they are
 * killed by PID from an exit hook, so no orphan keeps a port and memory on the machine.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { alive } from '../helpers/child-process.js';

const HELPER = fileURLToPath(new URL('./redis-server.js', import.meta.url));

describe('spec helper: redis-server', function () {
  this.timeout(30_000);

  it('a process that exits without stopping its redis-server leaves none behind', async () => {
    const script =
      `const { RedisServer } = await import(${JSON.stringify(HELPER)});` +
      'const s = await RedisServer.start(); console.log(s.pid); process.exit(1);';
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script]).catch(
      (err: { stdout: string }) => err,
    );
    const pid = Number(stdout.trim());
    expect(pid).to.be.greaterThan(0);
    const end = Date.now() + 5000;
    while (alive(pid) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    const left = alive(pid);
    if (left) process.kill(pid, 'SIGKILL');
    expect(left, `redis-server ${pid} outlived its spec process`).to.equal(false);
  });
});

/**
 * No child process may outlive its host. The host's death closes the IPC channel, but a
 * child inside synchronous code never sees that; a thread of its own does. It sleeps in
 * Atomics.wait (which process.exit can interrupt: a thread blocked in a read(2) made the
 * child's exit hang) and kills the process once it has a new parent.
 */
import { Worker } from 'node:worker_threads';

/** How often the watchdog looks, ms: the bound on how long an orphan lives. */
const POLL_MS = 250;

const WATCHDOG = `
const parent = process.ppid;
const cell = new Int32Array(new SharedArrayBuffer(4));
while (process.ppid === parent) Atomics.wait(cell, 0, 0, ${POLL_MS});
process.kill(process.pid, 'SIGKILL');
`;

export function watchForOrphaning(): void {
  const worker = new Worker(WATCHDOG, { eval: true, name: 'rxjs-futures orphan watchdog' });
  worker.unref(); // it must never keep the child alive itself
  // Whatever happens to it must not look like a task's crash (it would kill the child).
  worker.on('error', () => {});
}

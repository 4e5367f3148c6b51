/**
 * Worker of the raw `worker_threads` floor. A message is `[id, task, x]` (one item) or
 * `[id, task, items[]]` (a batch); the reply is `[id, result]` or `[id, results[]]`.
 * No framework, no per-task allocation beyond the message itself.
 */
import { parentPort } from 'node:worker_threads';
import { TASKS, type TaskName } from '../tasks.js';

const port = parentPort!;
port.on('message', (msg: [number, TaskName, number | number[]]) => {
  const fn = TASKS[msg[1]];
  const arg = msg[2];
  if (typeof arg === 'number') port.postMessage([msg[0], fn(arg)]);
  else {
    const out = new Array<number>(arg.length);
    for (let i = 0; i < arg.length; i++) out[i] = fn(arg[i]!);
    port.postMessage([msg[0], out]);
  }
});

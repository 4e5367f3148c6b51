/**
 * Worker of the shared-queue raw floor (`raw-queue`). A message is `[id, module, name, x]`:
 * the export `name` of `module` (a file: URL, imported once and kept) called on `x`; the
 * reply is `[id, result]`. The dispatcher sends a worker its next item only after its reply,
 * so there is at most one message here at a time. No framework, no error handling.
 */
import { parentPort } from 'node:worker_threads';

type Fn = (x: unknown) => unknown;
const port = parentPort!;
const fns = new Map<string, Fn>();

port.on('message', async (msg: [number, string, string, unknown]) => {
  const key = `${msg[1]}#${msg[2]}`;
  let fn = fns.get(key);
  if (!fn) {
    fn = ((await import(msg[1])) as Record<string, Fn>)[msg[2]]!;
    fns.set(key, fn);
  }
  port.postMessage([msg[0], fn(msg[3])]);
});

/** Logs a line, then reports failure: the harness must reject with the message and the log. */
import { page } from './dom.js';

console.log('fail.ts: about to fail');
page.__fail('deliberate failure from fail.ts');

/**
 * Worker module for piscina and tinypool: each task is a named export (picked with the
 * `name` run option), the default export is `inc`. Measures nothing by itself.
 */
export { inc, spin, busyFor } from '../tasks.js';
export { inc as default } from '../tasks.js';

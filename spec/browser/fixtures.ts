/** Task modules served to the browser pages (plain JavaScript, imported by URL in workers). */
export const HELPER_JS = `export function add(a, b) { return a + b; }`;

export const TASKS_JS = `
import { add } from './helper.js';
export function square(n) { return n * n + 1; }
export function fib(n) { return n < 2 ? n : add(fib(n - 1), fib(n - 2)); }
export function spin(ms) { const end = Date.now() + ms; while (Date.now() < end); return ms; }
export function fail(kind) {
  if (kind === 'type') throw Object.assign(new TypeError('not a number'), { code: 'E_NAN' });
  throw { reason: 'plain object' };
}
export function crashLater() {
  setTimeout(() => { throw new Error('boom, outside any task'); }, 0);
  return new Promise(() => {});
}
export function closeSelf() {
  self.close();
  return new Promise(() => {});
}
export function cpu(n) { let x = 0; for (let i = 0; i < n; i++) x = (x * 31 + i) | 0; return x; }
`;

/** Never reports: the harness must reject at its timeout. */
console.log('hang.ts: never calling __done');
export {};

/** Throws at the top level: the harness must reject with the page error. */
console.warn('throws.ts: about to throw');
throw new Error('deliberate top-level throw from throws.ts');

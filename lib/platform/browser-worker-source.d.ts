/**
 * The browser worker runtime (lib/worker/browser.ts and what it imports), bundled into one
 * classic script by scripts/bundle-workers.mjs after tsc; that script writes the
 * JavaScript of this module into dist.
 */
export declare const WORKER_SOURCE: string;

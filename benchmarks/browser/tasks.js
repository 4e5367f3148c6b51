/** The browser benchmark's task module, imported by URL in each web worker. */
export function spin(iterations) {
  let x = 0;
  for (let i = 0; i < iterations; i++) x = (x * 31 + i) | 0;
  return x;
}
export function inc(x) {
  return x + 1;
}

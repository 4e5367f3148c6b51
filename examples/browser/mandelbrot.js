/**
 * The example's task module, imported by URL in each web worker (so it also works under a
 * CSP without eval). One row of the Mandelbrot set as RGBA pixels.
 */
export function row({ y, width, height, maxIter }) {
  const pixels = new Uint8ClampedArray(width * 4);
  const ci = (y / height) * 2.4 - 1.2;
  for (let x = 0; x < width; x++) {
    const cr = (x / width) * 3.2 - 2.2;
    let zr = 0;
    let zi = 0;
    let n = 0;
    while (n < maxIter && zr * zr + zi * zi < 4) {
      const t = zr * zr - zi * zi + cr;
      zi = 2 * zr * zi + ci;
      zr = t;
      n++;
    }
    // A smooth palette over log(n): the detail near the set is where the work is.
    const t = n === maxIter ? 0 : Math.log(n + 1) / Math.log(maxIter);
    pixels.set(
      [9 * (1 - t) * t ** 3 * 255, 15 * (1 - t) ** 2 * t ** 2 * 255, 8.5 * (1 - t) ** 3 * t * 255, 255],
      x * 4,
    );
  }
  return pixels;
}

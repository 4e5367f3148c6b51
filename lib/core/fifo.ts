/**
 * A first-in first-out buffer kept in fixed-size segments. An Observable that bursts
 * (`from(array)` emits everything at once) fills it faster than one growing array:
 * past ~32,000 values every growth of a single array is a fresh large-object copy, and
 * a 200,000-value burst spent about twice as long pushing (measured: 8–13 ms against
 * 3.5–8 ms here).
 */
const SEGMENT = 4096;

export class Fifo<T> {
  readonly #segments: T[][] = [[]];
  /** How many values of the first segment were already taken. */
  #head = 0;
  #length = 0;

  get length(): number {
    return this.#length;
  }

  push(value: T): void {
    let last = this.#segments[this.#segments.length - 1]!;
    if (last.length === SEGMENT) this.#segments.push((last = []));
    last.push(value);
    this.#length++;
  }

  /** Removes and returns the first `n` values (fewer if there are fewer). */
  take(n: number): T[] {
    let out: T[] | undefined;
    while (this.#length > 0 && (out?.length ?? 0) < n) {
      const first = this.#segments[0]!;
      const part = first.slice(this.#head, this.#head + n - (out?.length ?? 0));
      this.#head += part.length;
      this.#length -= part.length;
      if (this.#head === first.length) {
        if (this.#segments.length > 1) this.#segments.shift();
        else first.length = 0;
        this.#head = 0;
      }
      out = out ? out.concat(part) : part;
    }
    return out ?? [];
  }
}

import { TRANSFER_BRAND, unwrapTransfers, type TransferMarker } from '../protocol.cjs';

/**
 * Marks ArrayBuffers or MessagePorts inside `value` to be moved to the other thread
 * instead of copied: as a task argument, or as a task's return value. The sender loses
 * access to what is moved.
 * @example
 * const buf = new Float64Array(1e6);
 * await executor.submit((a: Float64Array) => a.length, transfer(buf, [buf.buffer]));
 */
export function transfer<T>(value: T, transferList: readonly object[]): T {
  if (!Array.isArray(transferList)) throw new TypeError('transfer(value, transferList): transferList must be an array');
  const marker: TransferMarker<T> = { [TRANSFER_BRAND]: true, value, transferList };
  return marker as unknown as T;
}

/**
 * @internal The arguments of a chunk with transfer() markers replaced by their values
 * (copies: the caller's arrays are left alone), and what the markers move.
 */
export function transfersOf(items: unknown[], spread: boolean): { items: unknown[]; moved?: object[] } {
  if (!spread) {
    const { values, moved } = unwrapTransfers(items);
    return { items: values, moved };
  }
  let out: unknown[] | undefined;
  let moved: object[] | undefined;
  for (let i = 0; i < items.length; i++) {
    const args = unwrapTransfers(items[i] as unknown[]);
    if (!args.moved) continue;
    (out ??= items.slice())[i] = args.values;
    (moved ??= []).push(...args.moved);
  }
  return { items: out ?? items, moved };
}

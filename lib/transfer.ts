import { isTransferMarker, TRANSFER_BRAND, type TransferMarker } from './protocol.cjs';

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
  let moved: object[] | undefined;
  const plain = (v: unknown): unknown => {
    if (!isTransferMarker(v)) return v;
    (moved ??= []).push(...v.transferList);
    return v.value;
  };
  const hasMarker = (list: readonly unknown[]) => {
    for (let i = 0; i < list.length; i++) if (isTransferMarker(list[i])) return true;
    return false;
  };
  if (!spread) return hasMarker(items) ? { items: items.map(plain), moved } : { items };
  if (!items.some((args) => hasMarker(args as unknown[]))) return { items };
  return { items: items.map((args) => (args as unknown[]).map(plain)), moved };
}

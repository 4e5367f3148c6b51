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
 * @internal Unwraps transfer() markers among a chunk's arguments (in place) and collects
 * what they move.
 */
export function transfersOf(items: unknown[], spread: boolean): object[] | undefined {
  let list: object[] | undefined;
  const unwrap = (holder: unknown[], j: number) => {
    const v = holder[j];
    if (isTransferMarker(v)) {
      holder[j] = v.value;
      (list ??= []).push(...v.transferList);
    }
  };
  for (let i = 0; i < items.length; i++) {
    if (!spread) unwrap(items, i);
    else for (let j = 0; j < (items[i] as unknown[]).length; j++) unwrap(items[i] as unknown[], j);
  }
  return list;
}

import { setImmediate as nextTurn } from 'node:timers/promises';

/** Gives the event loop a turn between two stages of work that each take a while. */
export const yieldToLoop = (): Promise<void> => nextTurn();

/** Items handled between two turns of the event loop by the sliced helpers. */
export const SLICE_SIZE = 1_000;

/**
 * Maps `items` in order, giving the event loop a turn after every `size` items: tens of
 * thousands of entries handled in one go would hold every other request (and `/healthz`)
 * for longer than any request may.
 */
export async function mapInSlices<T, U>(
  items: readonly T[],
  fn: (item: T, index: number) => U,
  size = SLICE_SIZE,
): Promise<U[]> {
  const mapped: U[] = [];
  for (let start = 0; start < items.length; start += size) {
    if (start > 0) await nextTurn();
    const end = Math.min(items.length, start + size);
    for (let i = start; i < end; i++) mapped.push(fn(items[i] as T, i));
  }
  return mapped;
}

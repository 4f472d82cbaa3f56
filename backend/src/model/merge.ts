/**
 * k-way merge of lists that are each sorted by `compare`, keeping at most `limit` items.
 * A binary heap of list heads makes it O(n log k); sources, pods and containers all merge
 * through here.
 */
export function mergeSorted<T>(
  lists: readonly (readonly T[])[],
  compare: (a: T, b: T) => number,
  limit: number,
): T[] {
  const heads = lists.filter((list) => list.length > 0).map((list) => ({ list, index: 0 }));
  const before = (a: (typeof heads)[number], b: (typeof heads)[number]): boolean =>
    compare(a.list[a.index] as T, b.list[b.index] as T) < 0;
  const heap = new MinHeap(heads, before);
  const out: T[] = [];
  while (out.length < limit && heap.size > 0) {
    const top = heap.peek();
    out.push(top.list[top.index] as T);
    top.index += 1;
    if (top.index < top.list.length) heap.replaceTop(top);
    else heap.pop();
  }
  return out;
}

class MinHeap<T> {
  private readonly items: T[];

  constructor(
    items: T[],
    private readonly before: (a: T, b: T) => boolean,
  ) {
    this.items = items;
    for (let i = (items.length >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  get size(): number {
    return this.items.length;
  }

  peek(): T {
    return this.items[0] as T;
  }

  replaceTop(item: T): void {
    this.items[0] = item;
    this.siftDown(0);
  }

  pop(): void {
    const last = this.items.pop() as T;
    if (this.items.length === 0) return;
    this.items[0] = last;
    this.siftDown(0);
  }

  private siftDown(start: number): void {
    const items = this.items;
    let i = start;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let best = i;
      if (left < items.length && this.before(items[left] as T, items[best] as T)) best = left;
      if (right < items.length && this.before(items[right] as T, items[best] as T)) best = right;
      if (best === i) return;
      [items[i], items[best]] = [items[best] as T, items[i] as T];
      i = best;
    }
  }
}

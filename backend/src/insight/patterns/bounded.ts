/** Deletes the `count` oldest entries of a map (in insertion order): how the miner's caches stay bounded. */
export function dropOldest<K, V>(map: Map<K, V>, count: number): void {
  let left = count;
  for (const key of map.keys()) {
    if (left-- <= 0) break;
    map.delete(key);
  }
}

/**
 * Time is cut into segments aligned to multiples of their length (as Loki splits queries), so
 * every query, whatever its window, names the same segments and can share their cache.
 */

/** The start of the segment holding `ms`. */
export function segmentStart(ms: number, lengthMs: number): number {
  return Math.floor(ms / lengthMs) * lengthMs;
}

/** Starts of the segments that overlap `[fromMs, toMs)`, oldest first. */
export function segmentStarts(fromMs: number, toMs: number, lengthMs: number): number[] {
  const starts: number[] = [];
  for (let start = segmentStart(fromMs, lengthMs); start < toMs; start += lengthMs) starts.push(start);
  return starts;
}

/**
 * Where the settled segments end: a segment can no longer change once its end is older than the
 * source's settle time (the latest a record may arrive after its own time). Everything from
 * here on is the fresh edge, read from the source.
 */
export function settledEnd(nowMs: number, settleMs: number, lengthMs: number): number {
  return segmentStart(nowMs - settleMs, lengthMs);
}

import type { Cache } from '../cache/cache.js';
import type { SegmentsConfig } from '../config/index.js';
import type { Clock } from '../model/index.js';
import type { LogSource } from '../query/log-source.js';
import { SegmentStore } from '../query/segments/segment-store.js';
import { SegmentedSource } from '../query/segments/segmented-source.js';

/** Settled segments never change; in the shared cache only room (`CACHE_MAX_ENTRIES`) limits them. */
const SHARED_SEGMENT_TTL_SECONDS = 24 * 3600;

/**
 * Puts every source behind the segment cache (`CACHE_SEGMENT_BYTES` > 0). With the Redis cache,
 * settled segments are shared under their own keys, so a segment one replica read is read by
 * none of the others.
 */
export function withSegmentCache(
  sources: LogSource[],
  settings: SegmentsConfig,
  cache: Cache,
  clock: Clock,
  sourceTimeoutMs: number,
): { sources: LogSource[]; store?: SegmentStore } {
  if (settings.maxBytes === 0) return { sources };
  const store = new SegmentStore({
    maxBytes: settings.maxBytes,
    shared: cache.kind === 'redis' ? cache : undefined,
    sharedTtlSeconds: SHARED_SEGMENT_TTL_SECONDS,
  });
  const wrapped = sources.map(
    (source) =>
      new SegmentedSource(
        source,
        store,
        {
          segmentMs: settings.segmentMs,
          settleMs: settings.settleMs[source.name],
          edgeMaxAgeMs: settings.edgeMaxAgeMs,
          readBudget: settings.readBudget,
          joinWithinMs: sourceTimeoutMs,
        },
        clock,
      ),
  );
  return { sources: wrapped, store };
}

import type { PatternsResponse } from '@gpt-runner-logs/contract';
import { timestampMs, type LogEntry, type Timestamp } from '../model/index.js';
import { bucketCount, bucketStart } from '../query/volume.js';
import { bucketWidth, type MinedEntries } from './digest.js';
import type { PatternTemplate } from './patterns/index.js';

/** Points per template's volume: a sparkline in a table cell needs no more. */
export const PATTERN_VOLUME_BUCKETS = 60;

export type VolumeBuckets = NonNullable<PatternsResponse['buckets']>;

/**
 * Each template with its lines per time bucket over `[from, to)`, zeros included, so a
 * pattern view can draw one sparkline per template on a shared time axis. Buckets have
 * the digest's readable widths (a minute, five, an hour …), aligned to multiples of it;
 * they are sent once, and each template carries only its counts.
 */
export function withVolumes(
  mined: MinedEntries,
  entries: readonly LogEntry[],
  from: Timestamp,
  to: Timestamp,
): { templates: PatternTemplate[]; buckets: VolumeBuckets } {
  const fromMs = timestampMs(from);
  const toMs = Math.max(timestampMs(to), fromMs + 1);
  const stepMs = bucketWidth(toMs - fromMs, PATTERN_VOLUME_BUCKETS);
  const start = bucketStart(fromMs, stepMs);
  const count = bucketCount(fromMs, toMs, stepMs);
  const series = new Map(mined.templates.map((t) => [t.id, new Array<number>(count).fill(0)]));
  entries.forEach((entry, i) => {
    const id = mined.assigned[i];
    const counts = id === undefined ? undefined : series.get(id);
    const index = Math.floor((timestampMs(entry.timestamp) - start) / stepMs);
    if (counts && index >= 0 && index < count) counts[index] = (counts[index] ?? 0) + 1;
  });
  const templates = mined.templates.map((t) => ({ ...t, volume: series.get(t.id) ?? [] }));
  return { templates, buckets: { start, stepMs, count } };
}

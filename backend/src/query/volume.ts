import { MAX_VOLUME_BUCKETS } from '@gpt-runner-logs/contract';
import { SEVERITIES, timestampMs, type LogEntry, type Severity } from '../model/index.js';

/** Counts over time by severity: the histogram above a logs panel, and the volume graphs. */
export interface VolumeSeries {
  severity: Severity;
  /** `[bucket start in epoch ms, count]`, one per bucket, zeros included so graphs have no gaps. */
  points: [number, number][];
}

/** Buckets align to multiples of the step, as Grafana's intervals do. */
export function bucketStart(ms: number, stepMs: number): number {
  return Math.floor(ms / stepMs) * stepMs;
}

/** How many buckets of `stepMs` cover `fromMs` to `toMs`, the first aligned to the step. */
export function bucketCount(fromMs: number, toMs: number, stepMs: number): number {
  return Math.max(1, Math.ceil((toMs - bucketStart(fromMs, stepMs)) / stepMs));
}

export function volumeSeries(
  entries: Iterable<LogEntry>,
  fromMs: number,
  toMs: number,
  stepMs: number,
): VolumeSeries[] {
  const first = bucketStart(fromMs, stepMs);
  const buckets = bucketCount(fromMs, toMs, stepMs);
  // Whatever chose the step: every series is allocated whole, so the count is bounded here.
  if (!(buckets <= MAX_VOLUME_BUCKETS))
    throw new RangeError(`${buckets} volume buckets exceed the limit of ${MAX_VOLUME_BUCKETS}`);
  const counts = new Map<Severity, number[]>();
  for (const entry of entries) {
    const index = Math.floor((timestampMs(entry.timestamp) - first) / stepMs);
    if (index < 0 || index >= buckets) continue;
    let row = counts.get(entry.severity);
    if (!row) {
      row = new Array<number>(buckets).fill(0);
      counts.set(entry.severity, row);
    }
    row[index] = (row[index] ?? 0) + 1;
  }
  return SEVERITIES.filter((s) => counts.has(s)).map((severity) => ({
    severity,
    points: (counts.get(severity) ?? []).map((count, i): [number, number] => [first + i * stepMs, count]),
  }));
}

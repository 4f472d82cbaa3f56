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

/** Counts entries into buckets as they come, so a volume never holds the entries it counted. */
export class VolumeCounter {
  private readonly first: number;
  private readonly buckets: number;
  private readonly counts = new Map<Severity, number[]>();

  constructor(
    fromMs: number,
    toMs: number,
    private readonly stepMs: number,
  ) {
    this.first = bucketStart(fromMs, stepMs);
    this.buckets = bucketCount(fromMs, toMs, stepMs);
    // Whatever chose the step: every series is allocated whole, so the count is bounded here.
    if (!(this.buckets <= MAX_VOLUME_BUCKETS))
      throw new RangeError(`${this.buckets} volume buckets exceed the limit of ${MAX_VOLUME_BUCKETS}`);
  }

  add(entries: Iterable<LogEntry>): void {
    for (const entry of entries) {
      const index = Math.floor((timestampMs(entry.timestamp) - this.first) / this.stepMs);
      if (index < 0 || index >= this.buckets) continue;
      let row = this.counts.get(entry.severity);
      if (!row) {
        row = new Array<number>(this.buckets).fill(0);
        this.counts.set(entry.severity, row);
      }
      row[index] = (row[index] ?? 0) + 1;
    }
  }

  series(): VolumeSeries[] {
    return SEVERITIES.filter((s) => this.counts.has(s)).map((severity) => ({
      severity,
      points: (this.counts.get(severity) ?? []).map((count, i): [number, number] => [
        this.first + i * this.stepMs,
        count,
      ]),
    }));
  }
}

export function volumeSeries(
  entries: Iterable<LogEntry>,
  fromMs: number,
  toMs: number,
  stepMs: number,
): VolumeSeries[] {
  const counter = new VolumeCounter(fromMs, toMs, stepMs);
  counter.add(entries);
  return counter.series();
}

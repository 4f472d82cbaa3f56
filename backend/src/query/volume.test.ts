import { MAX_VOLUME_BUCKETS } from '@gpt-runner-logs/contract';
import { describe, expect, it } from 'vitest';
import { formatEpochMs, type LogEntry, type Severity } from '../model/index.js';
import { bucketCount, bucketStart, volumeSeries } from './volume.js';

const T0 = Date.UTC(2026, 10, 29, 7, 0, 0);
const entry = (offsetMs: number, severity: Severity): LogEntry => ({
  id: String(offsetMs),
  timestamp: formatEpochMs(T0 + offsetMs),
  source: 'pods',
  severity,
  message: 'x',
  labels: {},
});

describe('volumeSeries', () => {
  it('counts per severity in step-aligned buckets, zeros included, in severity order', () => {
    const entries = [
      entry(0, 'ERROR'),
      entry(59_999, 'ERROR'),
      entry(60_000, 'INFO'),
      entry(150_000, 'ERROR'),
    ];
    const series = volumeSeries(entries, T0 + 30_000, T0 + 180_000, 60_000);
    expect(series).toEqual([
      {
        severity: 'INFO',
        points: [
          [T0, 0],
          [T0 + 60_000, 1],
          [T0 + 120_000, 0],
        ],
      },
      {
        severity: 'ERROR',
        points: [
          [T0, 2],
          [T0 + 60_000, 0],
          [T0 + 120_000, 1],
        ],
      },
    ]);
  });

  it('ignores entries outside the buckets', () => {
    const series = volumeSeries([entry(-120_000, 'INFO'), entry(600_000, 'INFO')], T0, T0 + 60_000, 60_000);
    expect(series).toEqual([]);
  });

  it('aligns bucket starts to multiples of the step', () => {
    expect(bucketStart(T0 + 61_234, 60_000)).toBe(T0 + 60_000);
    expect(bucketStart(T0 + 61_234, 3_600_000)).toBe(T0);
  });
});

describe('the bucket bound', () => {
  it('counts the buckets of a range as volumeSeries allocates them', () => {
    expect(bucketCount(T0, T0 + 60_000, 60_000)).toBe(1);
    expect(bucketCount(T0 + 1, T0 + 60_000, 60_000)).toBe(1);
    expect(bucketCount(T0 + 30_000, T0 + 90_000, 60_000)).toBe(2);
  });

  it('refuses to allocate more than MAX_VOLUME_BUCKETS, whatever chose the step', () => {
    const span = (MAX_VOLUME_BUCKETS + 1) * 1000;
    expect(() => volumeSeries([entry(0, 'INFO')], T0, T0 + span, 1000)).toThrow(RangeError);
    expect(volumeSeries([entry(0, 'INFO')], T0, T0 + span - 1000, 1000)[0]?.points).toHaveLength(
      MAX_VOLUME_BUCKETS,
    );
  });
});

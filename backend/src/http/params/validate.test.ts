import { MAX_TIME_MS, MIN_TIME_MS } from '@gpt-runner-logs/contract';
import { describe, expect, it } from 'vitest';
import { formatEpochMs } from '../../model/index.js';
import { parseTimeParam } from './validate.js';

const NOW = Date.UTC(2026, 10, 29, 7, 0, 0);

describe('parseTimeParam: one range for every time parameter', () => {
  it.each([
    ['now', formatEpochMs(NOW)],
    ['now-1h', formatEpochMs(NOW - 3_600_000)],
    ['1970-01-01T00:00:00Z', formatEpochMs(MIN_TIME_MS)],
    ['9999-12-31T23:59:59.999Z', formatEpochMs(MAX_TIME_MS)],
    ['2026-11-29T12:30:00+05:30', formatEpochMs(NOW)],
    [String(NOW), formatEpochMs(NOW)],
  ])('%s → %s', (text, expected) => {
    expect(parseTimeParam(text, NOW)).toBe(expected);
  });

  it.each([
    'now-99999999999999d',
    'now-1e400d',
    'now-20000w',
    'now-',
    'now-x',
    '1969-12-31T23:59:59.999Z',
    '1000-01-01T00:00:00Z',
    '-1',
    '2026-11-29T07:00:00+99:99',
    '2026-11-29T07:00:00+24:00',
    '9999999999999999999999999',
  ])('%s → undefined', (text) => {
    expect(parseTimeParam(text, NOW)).toBeUndefined();
  });
});

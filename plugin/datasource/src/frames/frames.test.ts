import { alignedPoints, stepMs } from './volume';
import { grafanaLevel, searchWords } from './logs';
import { toNotices } from './notices';
import { formatMix } from './patterns';
import { nanosToRfc3339, parsePreciseTime } from './time';

describe('time', () => {
  it('keeps nanoseconds below the millisecond', () => {
    expect(parsePreciseTime('2026-11-29T07:01:13.123456789Z')).toEqual({
      ms: Date.parse('2026-11-29T07:01:13.123Z'),
      nanos: 456789,
    });
    expect(parsePreciseTime('2026-11-29T07:01:13Z').nanos).toBe(0);
  });

  it('turns Grafana epoch nanoseconds back into the backend form', () => {
    expect(nanosToRfc3339('1795935673123456789')).toBe('2026-11-29T07:01:13.123456789Z');
    expect(nanosToRfc3339('1795935673000000001')).toBe('2026-11-29T07:01:13.000000001Z');
  });
});

describe('volume', () => {
  it('reads steps in ms or as durations', () => {
    expect(stepMs(60000)).toBe(60000);
    expect(stepMs('30s')).toBe(30000);
    expect(stepMs('5m')).toBe(300000);
    expect(stepMs('1h')).toBe(3600000);
    expect(stepMs('soon')).toBeNaN();
  });

  it('fills empty buckets and keeps off-grid points', () => {
    expect(
      alignedPoints(
        [
          [60, 2],
          [75, 1],
        ],
        0,
        180,
        60
      )
    ).toEqual([
      [0, 0],
      [60, 2],
      [75, 1],
      [120, 0],
    ]);
  });
});

describe('logs', () => {
  it('maps severities to the level names Grafana colours', () => {
    expect(['DEFAULT', 'WARNING', 'ERROR', 'CRITICAL', 'ALERT', 'EMERGENCY'].map(grafanaLevel)).toEqual([
      'default',
      'warning',
      'error',
      'critical',
      'alert',
      'emerg',
    ]);
  });

  it('escapes plain search text for highlighting but keeps regexes', () => {
    expect(searchWords('a.b (c)', false)).toEqual(['a\\.b \\(c\\)']);
    expect(searchWords('fill(ed)?', true)).toEqual(['fill(ed)?']);
    expect(searchWords('  ', false)).toEqual([]);
  });
});

describe('patterns', () => {
  it('orders the mix most severe first', () => {
    expect(formatMix({ INFO: 2, ERROR: 1, WARNING: 0 }, ['INFO', 'WARNING', 'ERROR'])).toBe('ERROR 1, INFO 2');
  });
});

describe('notices', () => {
  it('names the source when a warning has one', () => {
    expect(
      toNotices(
        [
          { source: 'gcs', message: 'object could not be read' },
          { message: 'more than 50000 entries matched; counts before 2026-11-29T07:10:00Z are incomplete' },
        ],
        false
      ).map((notice) => notice.text)
    ).toEqual([
      'gcs: object could not be read',
      'more than 50000 entries matched; counts before 2026-11-29T07:10:00Z are incomplete',
    ]);
  });
});

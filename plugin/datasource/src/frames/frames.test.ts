import { LogLevel } from '@grafana/data';
import { LogEntry, SEVERITIES, SEVERITY_COLORS } from '@gpt-runner-logs/contract';

import { alignedPoints, stepMs } from './volume';
import { MAX_PAYLOAD_FIELDS, grafanaLevel, logsFrame, searchWords } from './logs';
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
    expect(searchWords('a.b (c)', false)).toEqual(['(?i)a\\.b \\(c\\)']);
    expect(searchWords('fill(ed)?', true)).toEqual(['(?i)fill(ed)?']);
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

describe('logs frame details', () => {
  const entry = (id: string, payload: unknown, labels: Record<string, string> = {}): LogEntry => ({
    id,
    timestamp: '2026-11-29T07:01:13.123456789Z',
    source: 'firestore',
    severity: 'ERROR',
    message: 'BUY 10 AAPL @ 189.20 rejected',
    labels,
    payload,
  });

  it('carries the record: each top-level payload field is a field of the frame', () => {
    const frame = logsFrame(
      [
        entry(
          'a',
          { order_id: 'ord-1', qty: 10, price: 189.2, symbol: 'AAPL', fill: { venue: 'XNAS' } },
          { symbol: 'AAPL' }
        ),
        entry('b', { order_id: 'ord-2', text: 'The momentum signal faded.', message: 'BUY 10 AAPL @ 189.20 rejected' }),
        entry('c', 'a text line'),
      ],
      { refId: 'A' }
    );
    const field = (name: string) => frame.fields.find((f) => f.name === name)?.values;
    expect(field('order_id')).toEqual(['ord-1', 'ord-2', null]);
    expect(field('qty')).toEqual(['10', null, null]);
    expect(field('fill')).toEqual(['{"venue":"XNAS"}', null, null]);
    expect(field('text')).toEqual([null, 'The momentum signal faded.', null]);
    // Already a label with the same value: not repeated in details.
    expect(field('symbol')).toEqual([null, null, null]);
    // The line itself: already the body.
    expect(field('message')).toEqual([null, null, null]);
  });

  it('keeps the contract fields its own and bounds the number of extra fields', () => {
    const wide = Object.fromEntries(Array.from({ length: MAX_PAYLOAD_FIELDS + 10 }, (_, i) => [`k${i}`, i]));
    const frame = logsFrame([entry('a', { ...wide, body: 'raw', id: 7 })], { refId: 'A' });
    const names = frame.fields.map((f) => f.name);
    expect(names.slice(0, 5)).toEqual(['timestamp', 'body', 'severity', 'id', 'labels']);
    expect(names.length).toBe(5 + MAX_PAYLOAD_FIELDS);
    expect(names).toContain('payload_body');
  });
});

describe('severity colours', () => {
  // Grafana's own level table: emerg, alert and crit are all its purple "critical" level.
  const GRAFANA_HUES: Partial<Record<LogLevel, string>> = {
    [LogLevel.critical]: 'purple',
    [LogLevel.error]: 'red',
    [LogLevel.warning]: 'yellow',
    [LogLevel.info]: 'green',
    [LogLevel.debug]: 'blue',
    [LogLevel.unknown]: 'text',
  };

  it.each(SEVERITIES.map((s) => [s]))('%s has the hue Grafana gives its log level', (severity) => {
    const level = LogLevel[grafanaLevel(severity) as keyof typeof LogLevel] ?? LogLevel.unknown;
    expect(SEVERITY_COLORS[severity]).toContain(GRAFANA_HUES[level]);
  });

  it('tells every severity apart', () => {
    expect(new Set(Object.values(SEVERITY_COLORS)).size).toBe(SEVERITIES.length);
  });
});

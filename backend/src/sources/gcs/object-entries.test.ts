import { describe, expect, it } from 'vitest';
import type { Severity } from '../../model/index.js';
import { DEFAULT_FIELD_MAPPING, type FieldMapping } from '../mapping/record-mapper.js';
import { objectRecordEntry, objectTextLineEntry, type ObjectOrigin } from './object-entries.js';

const OBJECT_TIME = '2026-11-29T00:00:00.000000000Z';
const origin: ObjectOrigin = {
  bucket: 'gpt-runner-logs',
  name: 'trades/2026/11/29/trades.jsonl',
  prefix: 'trades/',
  fallbackTime: OBJECT_TIME,
};
const LABELS = { bucket: 'gpt-runner-logs', object: 'trades/2026/11/29/trades.jsonl', prefix: 'trades/' };

describe('objectRecordEntry', () => {
  it('maps a trade record with the default mapping', () => {
    const record = {
      executed_at: '2026-11-29T07:01:13.123Z',
      side: 'buy',
      qty: 10,
      symbol: 'AAPL',
      price: 189.2,
      pnl: 12.3,
      status: 'filled',
      strategy: 'momentum-v3',
    };
    expect(objectRecordEntry(record, 4, origin)).toEqual({
      id: 'gpt-runner-logs/trades/2026/11/29/trades.jsonl#4',
      timestamp: '2026-11-29T07:01:13.123000000Z',
      source: 'gcs',
      severity: 'INFO',
      message: 'BUY 10 AAPL @ 189.20 pnl=+12.30 filled [momentum-v3]',
      labels: { ...LABELS, side: 'buy', symbol: 'AAPL', status: 'filled', strategy: 'momentum-v3' },
      payload: record,
    });
  });

  it('uses the object time and a failed status for a record without time or level', () => {
    const entry = objectRecordEntry(
      { symbol: 'TSLA', status: 'rejected', reason: 'insufficient margin' },
      0,
      origin,
    );
    expect([entry.timestamp, entry.severity, entry.message]).toEqual([
      OBJECT_TIME,
      'ERROR',
      'symbol=TSLA status=rejected reason="insufficient margin"',
    ]);
  });

  it.each<[string, unknown, string]>([
    ['a string', 'plain text', '"plain text"'],
    ['a number', 42, '42'],
    ['an array', [1, 'a'], '[1,"a"]'],
    ['null', null, 'null'],
  ])('wraps %s, which is not a record, as its JSON', (_what, value, message) => {
    expect(objectRecordEntry(value, 1, origin)).toEqual({
      id: 'gpt-runner-logs/trades/2026/11/29/trades.jsonl#1',
      timestamp: OBJECT_TIME,
      source: 'gcs',
      severity: 'INFO',
      message,
      labels: LABELS,
      payload: { message },
    });
  });

  it("follows the origin's mapping", () => {
    const mapping: FieldMapping = {
      ...DEFAULT_FIELD_MAPPING,
      messageFields: ['reflection'],
      defaultSeverity: 'NOTICE',
    };
    const entry = objectRecordEntry({ reflection: 'cut losers sooner', message: 'ignored' }, 2, {
      ...origin,
      mapping,
    });
    expect([entry.severity, entry.message]).toEqual(['NOTICE', 'cut losers sooner']);
  });
});

describe('objectTextLineEntry', () => {
  it('builds a full entry from a line with a leading time', () => {
    expect(objectTextLineEntry('2026-11-29T07:01:13Z WARNING runner: slow cycle', 9, origin)).toEqual({
      id: 'gpt-runner-logs/trades/2026/11/29/trades.jsonl#9',
      timestamp: '2026-11-29T07:01:13.000000000Z',
      source: 'gcs',
      severity: 'WARNING',
      message: 'WARNING runner: slow cycle',
      labels: LABELS,
    });
  });

  it.each<[string, string, string, Severity, string]>([
    [
      'RFC 3339 with a fraction',
      '2026-11-29T07:01:13.123456789Z ERROR feed down',
      '2026-11-29T07:01:13.123456789Z',
      'ERROR',
      'ERROR feed down',
    ],
    [
      'RFC 3339 with an offset',
      '2026-11-29T08:01:13+01:00 INFO up',
      '2026-11-29T07:01:13.000000000Z',
      'INFO',
      'INFO up',
    ],
    [
      "Python's default format",
      '2026-11-29 07:01:13,123 CRITICAL gpt_runner: halted',
      '2026-11-29T07:01:13.123000000Z',
      'CRITICAL',
      'CRITICAL gpt_runner: halted',
    ],
    [
      'a date and time with a space and no fraction',
      '2026-11-29 07:01:13 DEBUG tick',
      '2026-11-29T07:01:13.000000000Z',
      'DEBUG',
      'DEBUG tick',
    ],
    [
      'a date and time with a UTC zone word',
      '2026-11-29 07:01:13 UTC done',
      '2026-11-29T07:01:13.000000000Z',
      'DEFAULT',
      'done',
    ],
    ['a bare date', '2026-11-30 daily summary', '2026-11-30T00:00:00.000000000Z', 'DEFAULT', 'daily summary'],
    [
      'a level pair',
      '2026-11-29T07:01:13Z level=warn msg=x',
      '2026-11-29T07:01:13.000000000Z',
      'WARNING',
      'level=warn msg=x',
    ],
    // No leading time: the object's time, and the line kept whole.
    ['no time', 'ERROR feed down', OBJECT_TIME, 'ERROR', 'ERROR feed down'],
    ['a leading number is not an epoch', '42 items processed', OBJECT_TIME, 'DEFAULT', '42 items processed'],
    ['a leading epoch is not read either', '1795935673 tick', OBJECT_TIME, 'DEFAULT', '1795935673 tick'],
    ['an invalid date', '2026-02-30 07:01:13 INFO x', OBJECT_TIME, 'INFO', '2026-02-30 07:01:13 INFO x'],
    ['a time with nothing after it', '2026-11-29T07:01:13Z', OBJECT_TIME, 'DEFAULT', '2026-11-29T07:01:13Z'],
    ['an empty line', '', OBJECT_TIME, 'DEFAULT', ''],
  ])('%s', (_what, line, timestamp, severity, message) => {
    const entry = objectTextLineEntry(line, 0, origin);
    expect([entry.timestamp, entry.severity, entry.message]).toEqual([timestamp, severity, message]);
  });
});

import { describe, expect, it } from 'vitest';
import type { Severity } from '../../model/index.js';
import {
  DEFAULT_FIELD_MAPPING,
  isRecord,
  recordToEntry,
  type FieldMapping,
  type JsonRecord,
  type RecordOrigin,
} from './record-mapper.js';

const FALLBACK = '2026-01-01T00:00:00.000000000Z';
const origin: RecordOrigin = {
  id: 'trades-bucket/trades/2026/11/29.jsonl#3',
  source: 'gcs',
  labels: { bucket: 'trades-bucket', object: 'trades/2026/11/29.jsonl' },
  fallbackTime: FALLBACK,
};
const entryOf = (record: JsonRecord, mapping?: FieldMapping) => recordToEntry(record, origin, mapping);

describe('recordToEntry: timestamp', () => {
  it.each<[string, JsonRecord, string]>([
    ['timestamp', { timestamp: '2026-11-29T07:01:13.5Z' }, '2026-11-29T07:01:13.500000000Z'],
    ['time', { time: '2026-11-29T12:31:13+05:30' }, '2026-11-29T07:01:13.000000000Z'],
    ['ts as epoch seconds', { ts: 1_795_935_673.25 }, '2026-11-29T07:01:13.250000000Z'],
    ['@timestamp', { '@timestamp': '2026-11-29 07:01:13,123' }, '2026-11-29T07:01:13.123000000Z'],
    [
      'created_at as a Firestore timestamp',
      { created_at: { _seconds: 1_795_935_673, _nanoseconds: 7 } },
      '2026-11-29T07:01:13.000000007Z',
    ],
    ['createdAt', { createdAt: '2026-11-29T07:01:13Z' }, '2026-11-29T07:01:13.000000000Z'],
    ['executed_at', { executed_at: 1_795_935_673_000 }, '2026-11-29T07:01:13.000000000Z'],
    [
      'timestamp before time',
      { time: '2026-11-29T08:00:00Z', timestamp: '2026-11-29T07:00:00Z' },
      '2026-11-29T07:00:00.000000000Z',
    ],
    [
      'an unparseable field skipped for the next',
      { timestamp: 'n/a', created_at: '2026-11-29T07:01:13Z' },
      '2026-11-29T07:01:13.000000000Z',
    ],
    [
      'a null field skipped',
      { timestamp: null, time: '2026-11-29T07:01:13Z' },
      '2026-11-29T07:01:13.000000000Z',
    ],
    ['no time field: the fallback', { message: 'hello' }, FALLBACK],
    ['only garbage: the fallback', { timestamp: 'yesterday', time: '2026-02-30' }, FALLBACK],
    ['a time under another name is not a time', { when: '2026-11-29T07:01:13Z' }, FALLBACK],
  ])('%s', (_what, record, expected) => {
    expect(entryOf(record).timestamp).toBe(expected);
  });
});

describe('recordToEntry: severity', () => {
  it.each<[string, JsonRecord, Severity]>([
    ['severity', { severity: 'WARNING' }, 'WARNING'],
    ['level word', { level: 'warn' }, 'WARNING'],
    ['pino level number', { level: 50 }, 'ERROR'],
    ['Python levelname', { levelname: 'CRITICAL' }, 'CRITICAL'],
    ['log_level', { log_level: 'debug' }, 'DEBUG'],
    ['severity before level', { level: 'debug', severity: 'error' }, 'ERROR'],
    ['an empty severity skipped for level', { severity: '', level: 'info' }, 'INFO'],
    ['an unknown level', { level: 'chatty' }, 'DEFAULT'],
    ['failed status', { status: 'failed' }, 'ERROR'],
    ['rejected status', { status: 'rejected' }, 'ERROR'],
    ['status in capitals', { status: 'REJECTED' }, 'ERROR'],
    ['timed out status', { status: 'timed_out' }, 'ERROR'],
    ['cancelled status', { status: 'cancelled' }, 'ERROR'],
    ['a level wins over a failed status', { level: 'warning', status: 'rejected' }, 'WARNING'],
    ['a successful status', { status: 'filled' }, 'INFO'],
    ['a status that only contains a failure word', { status: 'partially_failed_over' }, 'INFO'],
    ['a non-string status', { status: 500 }, 'INFO'],
    ['nothing: the mapping default', { message: 'x' }, 'INFO'],
  ])('%s → %s', (_what, record, expected) => {
    expect(entryOf(record).severity).toBe(expected);
  });

  it('uses the default of a custom mapping', () => {
    const mapping: FieldMapping = { ...DEFAULT_FIELD_MAPPING, defaultSeverity: 'NOTICE' };
    expect(entryOf({ message: 'x' }, mapping).severity).toBe('NOTICE');
    expect(entryOf({ message: 'x', status: 'failed' }, mapping).severity).toBe('ERROR');
  });
});

describe('recordToEntry: message', () => {
  it.each<[string, JsonRecord, string]>([
    ['message', { message: 'order placed', msg: 'ignored' }, 'order placed'],
    ['msg', { msg: 'order placed' }, 'order placed'],
    ['summary', { summary: 'daily reflection' }, 'daily reflection'],
    ['text', { text: 'hello' }, 'hello'],
    ['event', { event: 'startup' }, 'startup'],
    ['an empty message skipped', { message: '', msg: 'second' }, 'second'],
    ['a non-string message as JSON', { message: { code: 7 } }, '{"code":7}'],
    ['a numeric message', { message: 42 }, '42'],
    [
      'a trade',
      {
        side: 'buy',
        qty: 10,
        symbol: 'AAPL',
        price: 189.2,
        pnl: 12.3,
        status: 'filled',
        strategy: 'momentum-v3',
      },
      'BUY 10 AAPL @ 189.20 pnl=+12.30 filled [momentum-v3]',
    ],
    [
      'a losing trade with quantity',
      { side: 'SELL', quantity: 5, symbol: 'MSFT', price: 410, pnl: -3.456 },
      'SELL 5 MSFT @ 410 pnl=-3.456',
    ],
    ['a trade without price or pnl', { side: 'sell', qty: 3, symbol: 'TSLA' }, 'SELL 3 TSLA'],
    ['a zero pnl is signed', { side: 'buy', qty: 1, symbol: 'X', pnl: 0 }, 'BUY 1 X pnl=+0'],
    [
      'a fractional crypto quantity and price are not rounded to cents',
      { side: 'buy', qty: 0.0015, symbol: 'BTC-USD', price: 0.00012345 },
      'BUY 0.0015 BTC-USD @ 0.00012345',
    ],
    [
      'float noise is hidden',
      { side: 'buy', qty: 1, symbol: 'X', price: 0.1 + 0.2, pnl: 12.300000000000011 },
      'BUY 1 X @ 0.30 pnl=+12.30',
    ],
    ['a string quantity', { side: 'buy', qty: '10', symbol: 'AAPL' }, 'BUY 10 AAPL'],
    [
      'not a trade without a quantity: key=value',
      { side: 'buy', symbol: 'AAPL', timestamp: '2026-11-29T07:01:13Z', level: 'info' },
      'side=buy symbol=AAPL',
    ],
    [
      'key=value quotes values with spaces and skips objects and nulls',
      { model: 'gpt-4o', tokens: 512, ok: true, note: 'two words', nested: { a: 1 }, list: [1], gone: null },
      'model=gpt-4o tokens=512 ok=true note="two words"',
    ],
    ['nothing renderable', { nested: { a: 1 } }, ''],
  ])('%s', (_what, record, expected) => {
    expect(entryOf(record).message).toBe(expected);
  });

  it('truncates a long key=value rendering to 500 characters', () => {
    const message = entryOf({ blob: 'x'.repeat(600), after: 1 }).message;
    expect(message).toHaveLength(500);
    expect(message).toBe(`blob=${'x'.repeat(494)}…`);
  });

  it('keeps a rendering of exactly 500 characters whole', () => {
    const message = entryOf({ blob: 'x'.repeat(495) }).message;
    expect(message).toBe(`blob=${'x'.repeat(495)}`);
  });
});

describe('recordToEntry: labels, payload and the rest of the entry', () => {
  it('promotes scalar label fields over the origin labels and keeps the payload', () => {
    const record = {
      timestamp: '2026-11-29T07:01:13Z',
      side: 'buy',
      qty: 10,
      symbol: 'AAPL',
      strategy: 'momentum-v3',
      status: 'filled',
      version: 3,
      account: true,
      model: { name: 'not a scalar' },
      exchange: null,
    };
    expect(entryOf(record)).toEqual({
      id: origin.id,
      timestamp: '2026-11-29T07:01:13.000000000Z',
      source: 'gcs',
      severity: 'INFO',
      message: 'BUY 10 AAPL filled [momentum-v3]',
      labels: {
        bucket: 'trades-bucket',
        object: 'trades/2026/11/29.jsonl',
        symbol: 'AAPL',
        strategy: 'momentum-v3',
        side: 'buy',
        status: 'filled',
        version: '3',
        account: 'true',
      },
      payload: record,
    });
  });

  it('takes label fields named like Object members as labels, never as inherited members', () => {
    const record = JSON.parse('{"__proto__":"p","toString":"t","constructor":"c"}') as JsonRecord;
    const mapping: FieldMapping = {
      ...DEFAULT_FIELD_MAPPING,
      labelFields: ['__proto__', 'toString', 'constructor', 'valueOf', 'hasOwnProperty'],
    };
    const { labels } = entryOf(record, mapping);
    expect(Object.getPrototypeOf(labels)).toBeNull();
    expect(Object.keys(labels).sort()).toEqual(['__proto__', 'bucket', 'constructor', 'object', 'toString']);
    expect(labels['__proto__']).toBe('p');
    expect(labels.toString).toBe('t');
  });

  it('does not modify the origin labels', () => {
    entryOf({ symbol: 'AAPL' });
    expect(origin.labels).toEqual({ bucket: 'trades-bucket', object: 'trades/2026/11/29.jsonl' });
  });

  it('follows a custom mapping for every field', () => {
    const mapping: FieldMapping = {
      timestampFields: ['at'],
      severityFields: ['prio'],
      messageFields: ['what'],
      labelFields: ['team'],
      defaultSeverity: 'DEBUG',
    };
    const record = {
      at: '2026-11-29T07:01:13Z',
      prio: 4,
      what: 'disk low',
      team: 'infra',
      symbol: 'AAPL',
      timestamp: 'x',
    };
    expect(recordToEntry(record, { ...origin, source: 'firestore' }, mapping)).toEqual({
      id: origin.id,
      timestamp: '2026-11-29T07:01:13.000000000Z',
      source: 'firestore',
      severity: 'WARNING',
      message: 'disk low',
      labels: { ...origin.labels, team: 'infra' },
      payload: record,
    });
    // The default mapping's fields mean nothing to it.
    const bare = recordToEntry(
      { timestamp: '2026-11-29T07:01:13Z', level: 'error', message: 'm' },
      origin,
      mapping,
    );
    expect([bare.timestamp, bare.severity, bare.message]).toEqual([
      FALLBACK,
      'DEBUG',
      'timestamp=2026-11-29T07:01:13Z level=error message=m',
    ]);
  });
});

describe('isRecord', () => {
  it.each<[unknown, boolean]>([
    [{}, true],
    [{ a: 1 }, true],
    [[], false],
    [null, false],
    ['{}', false],
    [1, false],
    [undefined, false],
  ])('%j → %s', (value, expected) => {
    expect(isRecord(value)).toBe(expected);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatEpochMs, formatInstant, parseTimestamp, timestampMs } from './time.js';

/** 2026-11-29T07:01:13Z in epoch seconds. */
const S = 1_795_935_673;
const T = '2026-11-29T07:01:13';

describe('parseTimestamp: RFC 3339 and the forms loggers write', () => {
  it.each<[string, string]>([
    // Any fraction length: padded or truncated (never rounded) to nine digits.
    [`${T}Z`, `${T}.000000000Z`],
    [`${T}.1Z`, `${T}.100000000Z`],
    [`${T}.12Z`, `${T}.120000000Z`],
    [`${T}.123Z`, `${T}.123000000Z`],
    [`${T}.123456Z`, `${T}.123456000Z`],
    [`${T}.123456789Z`, `${T}.123456789Z`],
    [`${T}.1234567891234Z`, `${T}.123456789Z`],
    [`${T}.999999999999Z`, `${T}.999999999Z`],
    // Any offset, normalized to UTC.
    ['2026-11-29T12:31:13.5+05:30', `${T}.500000000Z`],
    ['2026-11-29T12:31:13+0530', `${T}.000000000Z`],
    ['2026-11-28T23:01:13-08:00', `${T}.000000000Z`],
    ['2026-11-29T08:01:13+01', `${T}.000000000Z`],
    ['2026-11-29T07:01:13+00:00', `${T}.000000000Z`],
    ['2026-11-29t07:01:13z', `${T}.000000000Z`],
    ['2026-11-29 07:01:13 UTC', `${T}.000000000Z`],
    // An offset that moves the instant across a year boundary.
    ['2027-01-01T05:00:00+06:00', '2026-12-31T23:00:00.000000000Z'],
    // Python's logging default, and strings without a zone, read as UTC.
    ['2026-11-29 07:01:13,123', `${T}.123000000Z`],
    ['2026-11-29 07:01:13', `${T}.000000000Z`],
    [`${T}.25`, `${T}.250000000Z`],
    ['2026-11-29T07:01', '2026-11-29T07:01:00.000000000Z'],
    ['2026-11-29', '2026-11-29T00:00:00.000000000Z'],
    [`  ${T}Z\n`, `${T}.000000000Z`],
    // Leap years and a leap second (held at :59, the last second Date can express).
    ['2028-02-29T00:00:00Z', '2028-02-29T00:00:00.000000000Z'],
    ['2016-12-31T23:59:60Z', '2016-12-31T23:59:59.000000000Z'],
  ])('%j → %s', (text, expected) => {
    expect(parseTimestamp(text)).toBe(expected);
  });
});

describe('parseTimestamp: epoch numbers, by magnitude', () => {
  it.each<[number | string, string]>([
    [S, `${T}.000000000Z`],
    [S * 1000 + 123, `${T}.123000000Z`],
    [S * 1_000_000 + 123_456, `${T}.123456000Z`],
    // Fractional seconds keep the digits that were written, not binary noise.
    [S + 0.123, `${T}.123000000Z`],
    [S + 0.5, `${T}.500000000Z`],
    [S + 0.001, `${T}.001000000Z`],
    [S + 0.999, `${T}.999000000Z`],
    [S * 1000 + 123 + 0.456, `${T}.123456000Z`],
    // Numeric strings; nanosecond strings keep all nine digits exactly.
    [String(S), `${T}.000000000Z`],
    [`${S}.123456789`, `${T}.123456789Z`],
    [`${S}.1234567891`, `${T}.123456789Z`],
    [`${S}123`, `${T}.123000000Z`],
    [`${S}123.5`, `${T}.123500000Z`],
    [`${S}123456`, `${T}.123456000Z`],
    [`${S}123456789`, `${T}.123456789Z`],
    [`${S}000000001`, `${T}.000000001Z`],
    [`${S}999999999`, `${T}.999999999Z`],
    [` ${S}123456789 `, `${T}.123456789Z`],
    // Nanoseconds as a number are beyond 2^53: what the number still holds is kept.
    [S * 1e9, `${T}.000000000Z`],
    // Around the epoch and before it.
    [0, '1970-01-01T00:00:00.000000000Z'],
    [-1, '1969-12-31T23:59:59.000000000Z'],
    ['-1.5', '1969-12-31T23:59:58.500000000Z'],
    [-0.25, '1969-12-31T23:59:59.750000000Z'],
    // The unit boundaries: 1e10 seconds is milliseconds, and so on.
    [9_999_999_999, '2286-11-20T17:46:39.000000000Z'],
    [10_000_000_000, '1970-04-26T17:46:40.000000000Z'],
    [9_999_999_999_999, '2286-11-20T17:46:39.999000000Z'],
    [10_000_000_000_000, '1970-04-26T17:46:40.000000000Z'],
    ['9999999999999999', '2286-11-20T17:46:39.999999000Z'],
    ['10000000000000000', '1970-04-26T17:46:40.000000000Z'],
  ])('%j → %s', (value, expected) => {
    expect(parseTimestamp(value)).toBe(expected);
  });
});

describe('parseTimestamp: objects', () => {
  it.each<[unknown, string]>([
    [{ seconds: S, nanoseconds: 123_456_789 }, `${T}.123456789Z`],
    [{ seconds: S, nanoseconds: 0 }, `${T}.000000000Z`],
    [{ seconds: S }, `${T}.000000000Z`],
    [{ _seconds: S, _nanoseconds: 999_999_999 }, `${T}.999999999Z`],
    [{ _seconds: String(S), _nanoseconds: '5' }, `${T}.000000005Z`],
    [new Date(S * 1000 + 7), `${T}.007000000Z`],
  ])('%j → %s', (value, expected) => {
    expect(parseTimestamp(value)).toBe(expected);
  });
});

describe('parseTimestamp: not a time', () => {
  it.each<[string, unknown]>([
    ['a word', 'yesterday'],
    ['month 13', '2026-13-01'],
    ['month 0', '2026-00-10'],
    ['February 30', '2026-02-30'],
    ['February 29 outside a leap year', '2027-02-29T00:00:00Z'],
    ['April 31', '2026-04-31T00:00:00Z'],
    ['hour 24', '2026-11-29T24:00:00Z'],
    ['minute 60', '2026-11-29T07:60:00Z'],
    ['a two-digit year Date.UTC would move to 1950', '0050-01-01T00:00:00Z'],
    ['year 999', '0999-12-31T23:59:59Z'],
    ['a trailing word', `${T}Z INFO`],
    ['a bad zone', `${T}EST`],
    // RFC 3339 offsets stop at ±23:59.
    ['an offset of +99:99', `${T}+99:99`],
    ['an offset of -24:00', `${T}-24:00`],
    ['an offset minute 60', `${T}+05:60`],
    ['a compact offset past 23:59', `${T}+9999`],
    ['an empty string', ''],
    ['blanks', '   '],
    ['two numbers', '1 2'],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['an epoch beyond year 9999', 1e21],
    ['an empty object', {}],
    ['an object without seconds', { nanoseconds: 5 }],
    ['non-numeric seconds', { seconds: 'soon' }],
    ['fractional seconds object', { seconds: S + 0.5 }],
    ['negative nanoseconds', { seconds: S, nanoseconds: -1 }],
    ['a whole second of nanoseconds', { seconds: S, nanoseconds: 1e9 }],
    ['an invalid Date', new Date(Number.NaN)],
    ['null', null],
    ['undefined', undefined],
    ['a boolean', true],
    ['an array', [S]],
  ])('%s → undefined', (_what, value) => {
    expect(parseTimestamp(value)).toBeUndefined();
  });
});

describe('formatEpochMs, formatInstant and timestampMs', () => {
  it.each<[number, string]>([
    [0, '1970-01-01T00:00:00.000000000Z'],
    [S * 1000 + 123, `${T}.123000000Z`],
    [S * 1000 + 123.25, `${T}.123250000Z`],
    [S * 1000 + 0.5, `${T}.000500000Z`],
    // Sub-nanosecond noise just below a millisecond carries into it instead of vanishing.
    [122.9999999, '1970-01-01T00:00:00.123000000Z'],
    [-0.5, '1969-12-31T23:59:59.999500000Z'],
  ])('formatEpochMs(%d) → %s', (ms, expected) => {
    expect(formatEpochMs(ms)).toBe(expected);
  });

  it('formatInstant pads the nanoseconds below the millisecond', () => {
    expect(formatInstant({ ms: S * 1000 + 1, subMsNanos: 42 })).toBe(`${T}.001000042Z`);
  });

  it.each<[string, number]>([
    [`${T}.123456789Z`, S * 1000 + 123],
    [`${T}.999999999Z`, S * 1000 + 999],
    ['1970-01-01T00:00:00.000000000Z', 0],
  ])('timestampMs(%s) → %d', (ts, ms) => {
    expect(timestampMs(ts)).toBe(ms);
  });
});

const MS_1970_04_26 = 10_000_000_000; // below this, epoch numbers are read as seconds
const MS_2100 = Date.UTC(2100, 0, 1) - 1;
const MIN_MS = Date.UTC(1000, 0, 1);
const MAX_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
const NANOS_PER_MS = 1_000_000n;

/** Any instant the model can hold, as exact epoch nanoseconds. */
const anyInstantNanos = fc
  .tuple(fc.integer({ min: MIN_MS, max: MAX_MS }), fc.integer({ min: 0, max: 999_999 }))
  .map(([ms, sub]) => BigInt(ms) * NANOS_PER_MS + BigInt(sub));

/** RFC 3339 for epoch nanoseconds, written at an offset of `offsetMin` minutes. */
function rfc3339At(nanos: bigint, offsetMin: number, fractionDigits: number): string {
  // Floor division: BigInt `/` and `%` round toward zero, which is wrong before 1970.
  const nanosOfSecond = ((nanos % 1_000_000_000n) + 1_000_000_000n) % 1_000_000_000n;
  const seconds = Number((nanos - nanosOfSecond) / 1_000_000_000n);
  const local = new Date((seconds + offsetMin * 60) * 1000).toISOString().slice(0, 19);
  const fraction = nanosOfSecond.toString().padStart(9, '0').slice(0, fractionDigits);
  const abs = Math.abs(offsetMin);
  const zone = `${offsetMin < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return `${local}${fractionDigits > 0 ? `.${fraction}` : ''}${zone}`;
}

describe('parseTimestamp properties', () => {
  it('round-trips any epoch millisecond number from 1970-04-26 to 2100 through timestampMs', () => {
    fc.assert(
      fc.property(fc.integer({ min: MS_1970_04_26, max: MS_2100 }), (ms) => {
        const ts = parseTimestamp(ms);
        expect(ts).toBe(new Date(ms).toISOString().replace('Z', '000000Z'));
        expect(timestampMs(ts ?? '')).toBe(ms);
      }),
    );
  });

  it('reads the first months of 1970 in milliseconds as seconds (the unit is ambiguous there)', () => {
    // 4e9 is both 1970-02-16 in milliseconds and 2096-10-02 in seconds: seconds win.
    expect(parseTimestamp(4_000_000_000)).toBe('2096-10-02T07:06:40.000000000Z');
  });

  it('round-trips any Date from 1970 to 2100, and any epoch-second number', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MS_2100 }), (ms) => {
        expect(timestampMs(parseTimestamp(new Date(ms)) ?? '')).toBe(ms);
        const seconds = Math.floor(ms / 1000);
        expect(timestampMs(parseTimestamp(seconds) ?? '')).toBe(seconds * 1000);
      }),
    );
  });

  it('keeps every digit of a nanosecond epoch string', () => {
    fc.assert(
      fc.property(
        anyInstantNanos.filter((n) => n >= 10n ** 16n),
        (nanos) => {
          expect(parseTimestamp(nanos.toString())).toBe(rfc3339At(nanos, 0, 9).replace('+00:00', 'Z'));
        },
      ),
    );
  });

  it('orders output strings exactly as the instants they stand for, also for epoch numbers', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: MS_1970_04_26, max: MS_2100 }),
        fc.integer({ min: MS_1970_04_26, max: MS_2100 }),
        (a, b) => {
          const ta = parseTimestamp(a) ?? '';
          const tb = parseTimestamp(b) ?? '';
          expect(ta < tb).toBe(a < b);
          expect(ta === tb).toBe(a === b);
        },
      ),
    );
  });

  it('orders output strings exactly as the instants they stand for', () => {
    fc.assert(
      fc.property(anyInstantNanos, anyInstantNanos, (a, b) => {
        const ta = parseTimestamp(rfc3339At(a, 0, 9)) ?? '';
        const tb = parseTimestamp(rfc3339At(b, 0, 9)) ?? '';
        expect(ta).toHaveLength(30);
        expect(tb).toHaveLength(30);
        // Plain `<` on strings, as the engine compares them: code-unit order.
        const stringOrder = ta < tb ? -1 : ta > tb ? 1 : 0;
        const numericOrder = a < b ? -1 : a > b ? 1 : 0;
        expect(stringOrder).toBe(numericOrder);
      }),
    );
  });

  it('reads a string with an offset as the same instant written in Z', () => {
    const offsetMinutes = fc.integer({ min: -(23 * 60 + 59), max: 23 * 60 + 59 });
    const withinYears = anyInstantNanos.filter((n) => {
      const ms = Number(n / NANOS_PER_MS);
      return ms > MIN_MS + 86_400_000 && ms < MAX_MS - 86_400_000;
    });
    fc.assert(
      fc.property(withinYears, offsetMinutes, fc.integer({ min: 0, max: 9 }), (nanos, offset, digits) => {
        const unit = 10n ** BigInt(9 - digits);
        const truncated = nanos - (((nanos % unit) + unit) % unit);
        const inZ = rfc3339At(truncated, 0, digits).replace('+00:00', 'Z');
        expect(parseTimestamp(rfc3339At(truncated, offset, digits))).toBe(parseTimestamp(inZ));
        expect(parseTimestamp(inZ)).toBe(rfc3339At(truncated, 0, 9).replace('+00:00', 'Z'));
      }),
    );
  });
});

/**
 * Timestamps travel as RFC 3339 UTC strings with exactly nine fraction digits
 * (`2026-11-29T07:01:13.123456789Z`). Fixed width makes string order equal time order, so
 * the engine compares and merges timestamps without re-parsing them, and pod log lines
 * keep the kubelet's nanosecond precision.
 */
export type Timestamp = string;

/** An instant as epoch milliseconds plus the nanoseconds below the millisecond. */
export interface Instant {
  ms: number;
  subMsNanos: number;
}

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|z|UTC|[+-]\d{2}(?::?\d{2})?)?$/;

const MIN_MS = Date.UTC(1000, 0, 1);
const MAX_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

export function formatInstant({ ms, subMsNanos }: Instant): Timestamp {
  const iso = new Date(ms).toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ
  return `${iso.slice(0, 23)}${pad(subMsNanos, 6)}Z`;
}

export const formatEpochMs = (ms: number): Timestamp => formatInstant(splitMs(ms));

function splitMs(ms: number): Instant {
  const whole = Math.floor(ms);
  const nanos = Math.round((ms - whole) * 1e6);
  // 122.9999999 rounds up to a whole millisecond: carry it instead of dropping it.
  return nanos >= 1e6 ? { ms: whole + 1, subMsNanos: nanos - 1e6 } : { ms: whole, subMsNanos: nanos };
}

/** The zone's offset in minutes; `undefined` past `±23:59`, which RFC 3339 does not allow. */
function offsetMinutes(zone: string | undefined): number | undefined {
  if (!zone || zone === 'Z' || zone === 'z' || zone === 'UTC') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
  if (hours > 23 || minutes > 59) return undefined;
  return sign * (hours * 60 + minutes);
}

/**
 * RFC 3339 with any fraction and offset, plus the forms log writers really produce: a space
 * instead of `T`, Python's comma before milliseconds, no seconds, or no zone (read as UTC,
 * which is what our services log in).
 */
function parseDateString(text: string): Instant | undefined {
  const m = RFC3339.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', zone] = m;
  const fields = [y, mo, d, h, mi, s].map(Number) as [number, number, number, number, number, number];
  const [year, month, day, hour, minute, second] = fields;
  // Date.UTC reads years 0–99 as 1900–1999, and no log of ours predates year 1000 anyway.
  if (year < 1000) return undefined;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60)
    return undefined;
  const base = Date.UTC(year, month - 1, day, hour, minute, Math.min(second, 59));
  if (new Date(base).getUTCDate() !== day) return undefined; // 2026-02-30 and friends
  const offset = offsetMinutes(zone);
  if (offset === undefined) return undefined;
  const nanos = Number(fraction.slice(0, 9).padEnd(9, '0'));
  const ms = base + Math.floor(nanos / 1e6) - offset * 60_000;
  return { ms, subMsNanos: nanos % 1e6 };
}

/**
 * Epoch numbers carry no unit, so it is read from the magnitude: anything below 1e10 is
 * seconds, below 1e13 milliseconds, below 1e16 microseconds, else nanoseconds. Each unit
 * then covers 1970-04-26 to 2286-11-20; only milliseconds from the first four months of
 * 1970 are ambiguous with seconds, and read as seconds.
 */
function parseEpochDigits(text: string): Instant | undefined {
  const m = /^(-?\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) return undefined;
  const [, whole = '0', fraction = ''] = m;
  // Counted in digits: as a Number, 9999999999999999 is already 1e16.
  const digits = whole.replace(/^-?0*/, '').length;
  if (digits <= 10) return fromUnit(whole, fraction, 9);
  if (digits <= 13) return fromUnit(whole, fraction, 6);
  if (digits <= 16) return fromUnit(whole, fraction, 3);
  return fromUnit(whole, fraction, 0);
}

/** `whole.fraction` in a unit of 10^-(9 - nanosDigits) seconds, exactly, via BigInt. */
function fromUnit(whole: string, fraction: string, nanosDigits: number): Instant {
  const frac = fraction.slice(0, nanosDigits).padEnd(nanosDigits, '0');
  const nanos =
    BigInt(whole) * 10n ** BigInt(nanosDigits) +
    (frac ? BigInt(frac) * (whole.startsWith('-') ? -1n : 1n) : 0n);
  const ms = nanos / 1_000_000n;
  let rest = nanos % 1_000_000n;
  let msNumber = Number(ms);
  if (rest < 0n) {
    rest += 1_000_000n;
    msNumber -= 1;
  }
  return { ms: msNumber, subMsNanos: Number(rest) };
}

function parseNumber(value: number): Instant | undefined {
  if (!Number.isFinite(value)) return undefined;
  // The shortest decimal that reads back as the same number is what the writer meant
  // (1795849273.123, not 1795849273.1229999): reading those digits exactly keeps binary
  // noise out of the fraction, and beyond 2^53 keeps what the number still says.
  const text = String(value);
  if (/^-?\d+(\.\d+)?$/.test(text)) return parseEpochDigits(text);
  // Exponent notation: below 1e-6 (the epoch itself) or at least 1e21 (out of range).
  return splitMs(value * 1000);
}

interface SecondsLike {
  seconds?: unknown;
  nanoseconds?: unknown;
  _seconds?: unknown;
  _nanoseconds?: unknown;
}

/** Firestore `Timestamp` instances and their JSON form (`_seconds`, `_nanoseconds`). */
function parseSecondsObject(value: SecondsLike): Instant | undefined {
  const seconds = value.seconds ?? value._seconds;
  const nanos = value.nanoseconds ?? value._nanoseconds ?? 0;
  const s = typeof seconds === 'string' ? Number(seconds) : seconds;
  const n = typeof nanos === 'string' ? Number(nanos) : nanos;
  // Whole seconds and 0 ≤ nanoseconds < 1e9, as Firestore guarantees; anything else would
  // yield a malformed fraction.
  if (typeof s !== 'number' || typeof n !== 'number' || !Number.isInteger(s) || !Number.isInteger(n))
    return undefined;
  if (n < 0 || n >= 1e9) return undefined;
  return { ms: s * 1000 + Math.floor(n / 1e6), subMsNanos: Math.floor(n % 1e6) };
}

function parseInstant(value: unknown): Instant | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : splitMs(value.getTime());
  if (typeof value === 'number') return parseNumber(value);
  if (typeof value === 'string') {
    const text = value.trim();
    return parseEpochDigits(text) ?? parseDateString(text);
  }
  if (value && typeof value === 'object') return parseSecondsObject(value as SecondsLike);
  return undefined;
}

/** Parses any timestamp form our sources contain; `undefined` when it is not a time. */
export function parseTimestamp(value: unknown): Timestamp | undefined {
  const instant = parseInstant(value);
  if (!instant || instant.ms < MIN_MS || instant.ms > MAX_MS) return undefined;
  return formatInstant(instant);
}

/** Epoch milliseconds of a normalized timestamp (sub-millisecond digits dropped). */
export function timestampMs(ts: Timestamp): number {
  return Date.parse(ts.slice(0, 23) + 'Z');
}

/**
 * Container log semantics of the kubelet, as seen through the API server, for the
 * Kubernetes API server double: timestamps, `sinceTime`/`sinceSeconds`, `tailLines` and
 * `limitBytes`. Times are kept as nanoseconds since the epoch (bigint) because the
 * kubelet's timestamps carry nanoseconds and tests compare them exactly.
 */

export interface LogLineInput {
  /** RFC 3339 with up to nine fractional digits, or a Date; default: the double's clock. */
  time?: string | Date;
  /** One line, without its newline. */
  text: string;
}

export interface StoredLine {
  nanos: bigint;
  text: string;
}

export class LogOptionsError extends Error {}

const NANOS_PER_SECOND = 1_000_000_000n;
const RFC3339 = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/i;

/** Parses RFC 3339 (any offset, up to nanoseconds) into nanoseconds since the epoch. */
export function parseRfc3339Nanos(text: string): bigint | undefined {
  const match = RFC3339.exec(text);
  if (!match?.[1] || !match[3]) return undefined;
  const millis = Date.parse(`${match[1]}${match[3].toUpperCase()}`);
  if (Number.isNaN(millis)) return undefined;
  const fraction = BigInt((match[2] ?? '').padEnd(9, '0'));
  return BigInt(millis / 1000) * NANOS_PER_SECOND + fraction;
}

export function toNanos(time: string | Date): bigint {
  if (time instanceof Date) return BigInt(time.getTime()) * 1_000_000n;
  const nanos = parseRfc3339Nanos(time);
  if (nanos === undefined) throw new Error(`not an RFC 3339 time: ${time}`);
  return nanos;
}

/**
 * The kubelet's output format, RFC3339NanoFixed: always nine fractional digits, UTC,
 * e.g. `2026-11-29T07:01:13.123456789Z`.
 */
export function formatRfc3339NanoFixed(nanos: bigint): string {
  const seconds = nanos / NANOS_PER_SECOND;
  const fraction = nanos % NANOS_PER_SECOND;
  const whole = new Date(Number(seconds) * 1000).toISOString().slice(0, 19);
  return `${whole}.${fraction.toString().padStart(9, '0')}Z`;
}

export function toStoredLines(lines: readonly LogLineInput[], now: () => Date): StoredLine[] {
  return lines.map((line) => ({ nanos: toNanos(line.time ?? now()), text: line.text }));
}

// ---------------------------------------------------------------------------
// Query options

export interface LogQuery {
  container: string | undefined;
  follow: boolean;
  previous: boolean;
  timestamps: boolean;
  /** Lines older than this (nanoseconds) are dropped; inclusive bound. */
  sinceNanos: bigint | undefined;
  tailLines: number | undefined;
  limitBytes: number | undefined;
}

/**
 * Reads and validates the query of `GET .../pods/{name}/log`, with the API server's
 * rules: booleans are "true"/"false" (also 1/0), sinceSeconds > 0, tailLines >= 0,
 * limitBytes > 0, and at most one of sinceSeconds/sinceTime.
 */
export function parseLogQuery(query: URLSearchParams, nowNanos: bigint): LogQuery {
  const sinceSeconds = integerParam(query, 'sinceSeconds');
  const sinceTime = query.get('sinceTime') ?? undefined;
  if (sinceSeconds !== undefined && sinceTime !== undefined) {
    throw new LogOptionsError('at most one of `sinceTime` or `sinceSeconds` may be specified');
  }
  requirePositive('sinceSeconds', sinceSeconds, 1);
  const tailLines = integerParam(query, 'tailLines');
  requirePositive('tailLines', tailLines, 0);
  const limitBytes = integerParam(query, 'limitBytes');
  requirePositive('limitBytes', limitBytes, 1);
  return {
    container: query.get('container') || undefined,
    follow: booleanParam(query, 'follow'),
    previous: booleanParam(query, 'previous'),
    timestamps: booleanParam(query, 'timestamps'),
    sinceNanos: sinceBound(sinceSeconds, sinceTime, nowNanos),
    tailLines,
    limitBytes,
  };
}

function sinceBound(
  sinceSeconds: number | undefined,
  sinceTime: string | undefined,
  nowNanos: bigint,
): bigint | undefined {
  if (sinceSeconds !== undefined) return nowNanos - BigInt(sinceSeconds) * NANOS_PER_SECOND;
  if (sinceTime === undefined) return undefined;
  const nanos = parseRfc3339Nanos(sinceTime);
  if (nanos === undefined) {
    throw new LogOptionsError(`sinceTime: Invalid value: "${sinceTime}": must be RFC 3339`);
  }
  // The API server forwards sinceTime to the kubelet formatted as RFC 3339 without
  // fractional seconds, so a sub-second sinceTime is truncated to its whole second.
  return (nanos / NANOS_PER_SECOND) * NANOS_PER_SECOND;
}

function booleanParam(query: URLSearchParams, name: string): boolean {
  const value = query.get(name);
  if (value === null || value === '' || value === 'false' || value === '0') return false;
  if (value === 'true' || value === '1') return true;
  throw new LogOptionsError(`${name}: Invalid value: "${value}": must be a boolean`);
}

function integerParam(query: URLSearchParams, name: string): number | undefined {
  const value = query.get(name);
  if (value === null || value === '') return undefined;
  if (!/^-?\d+$/.test(value)) {
    throw new LogOptionsError(`${name}: Invalid value: "${value}": must be an integer`);
  }
  return Number(value);
}

function requirePositive(name: string, value: number | undefined, minimum: number): void {
  if (value !== undefined && value < minimum) {
    const rule = minimum === 0 ? 'must be greater than or equal to 0' : 'must be greater than 0';
    throw new LogOptionsError(`${name}: Invalid value: ${value}: ${rule}`);
  }
}

// ---------------------------------------------------------------------------
// Rendering

/** One line as the kubelet writes it, newline included. */
export function renderLine(line: StoredLine, timestamps: boolean): string {
  const prefix = timestamps ? `${formatRfc3339NanoFixed(line.nanos)} ` : '';
  return `${prefix}${line.text}\n`;
}

/** Whether a line passes the `since` bound (inclusive, like the kubelet). */
export function isSince(line: StoredLine, sinceNanos: bigint | undefined): boolean {
  return sinceNanos === undefined || line.nanos >= sinceNanos;
}

/**
 * The lines a non-streaming read returns. The kubelet seeks `tailLines` from the end of
 * the file first and only then drops lines older than `since`.
 */
export function selectLines(lines: readonly StoredLine[], query: LogQuery): StoredLine[] {
  const tailed = query.tailLines === undefined ? lines : lines.slice(lines.length - query.tailLines);
  return tailed.filter((line) => isSince(line, query.sinceNanos));
}

/** Counts bytes already sent so `limitBytes` can cut the output mid-line, as the kubelet does. */
export class ByteBudget {
  private remaining: number;

  constructor(limit: number | undefined) {
    this.remaining = limit ?? Number.POSITIVE_INFINITY;
  }

  get exhausted(): boolean {
    return this.remaining <= 0;
  }

  /** The part of `chunk` that still fits. */
  take(chunk: string): Buffer {
    const bytes = Buffer.from(chunk, 'utf8');
    const allowed = bytes.subarray(0, Math.max(0, Math.min(bytes.length, this.remaining)));
    this.remaining -= allowed.length;
    return allowed;
  }
}

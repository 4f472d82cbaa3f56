/** Epoch milliseconds plus the nanoseconds below the millisecond that Date cannot hold. */
export interface PreciseTime {
  ms: number;
  nanos: number;
}

const FRACTION = /\.(\d+)Z$/i;

/**
 * The backend sends RFC 3339 UTC with nine fraction digits; pod lines really carry
 * nanoseconds, and two lines in the same millisecond must keep their order.
 */
export function parsePreciseTime(timestamp: string | number): PreciseTime {
  if (typeof timestamp === 'number') {
    return { ms: timestamp, nanos: 0 };
  }
  const ms = Date.parse(timestamp);
  const fraction = FRACTION.exec(timestamp)?.[1] ?? '';
  const nanos = fraction.length > 3 ? Number(fraction.slice(3, 9).padEnd(6, '0')) : 0;
  return { ms: Number.isNaN(ms) ? 0 : ms, nanos };
}

/** Inverse of the above, from Grafana's `timeEpochNs` string (used for log context). */
export function nanosToRfc3339(epochNs: string): string {
  const digits = epochNs.padStart(7, '0');
  const ms = Number(digits.slice(0, -6));
  const subMs = digits.slice(-6);
  return `${new Date(ms).toISOString().slice(0, 23)}${subMs}Z`;
}

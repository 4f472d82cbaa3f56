/**
 * What an object's name and metadata say about when its records happened, so a one-hour
 * query over a bucket of many days lists and downloads only what can match.
 */
export interface TimeBounds {
  /** Inclusive lower bound in epoch ms (-Infinity when unknown). */
  lo: number;
  /** Inclusive upper bound in epoch ms (+Infinity when unknown). */
  hi: number;
}

export const UNBOUNDED: TimeBounds = { lo: -Infinity, hi: Infinity };

const HOUR = 3_600_000;

// `2026/11/29/07`, `2026/11/29`, `2026/11`, `2026` as path segments; `2026-11-29`, `20261129`, `dt=2026-11-29` in names.
const PATH_DATE = /(?:^|\/)(\d{4})(?:\/(\d{2})(?:\/(\d{2})(?:\/(\d{2})(?=\/))?)?)?(?=\/|$)/;
const DASHED_DATE = /(?:^|[^\d])(\d{4})-(\d{2})-(\d{2})(?:[T_ ](\d{2}))?/;
const COMPACT_DATE = /(?:^|[^\d])(20\d{2})(\d{2})(\d{2})(?:[^\d]|$)/;
const HIVE_HOUR = /(?:^|\/)hour=(\d{2})(?=\/|$)/;

function validYear(year: number): boolean {
  return year >= 1970 && year <= 2200;
}

function range(year: number, month?: number, day?: number, hour?: number): TimeBounds | undefined {
  if (!validYear(year)) return undefined;
  if (month !== undefined && (month < 1 || month > 12)) return undefined;
  if (day !== undefined && (day < 1 || day > 31)) return undefined;
  if (hour !== undefined && hour > 23) return undefined;
  if (month === undefined) return { lo: Date.UTC(year, 0, 1), hi: Date.UTC(year + 1, 0, 1) - 1 };
  if (day === undefined) return { lo: Date.UTC(year, month - 1, 1), hi: Date.UTC(year, month, 1) - 1 };
  if (hour === undefined)
    return { lo: Date.UTC(year, month - 1, day), hi: Date.UTC(year, month - 1, day + 1) - 1 };
  const lo = Date.UTC(year, month - 1, day, hour);
  return { lo, hi: lo + HOUR - 1 };
}

const num = (text: string | undefined): number | undefined => (text === undefined ? undefined : Number(text));

/** The time span a name (or a folder prefix) is dated to, if it carries a date at all. */
export function boundsFromName(name: string): TimeBounds | undefined {
  const dashed = DASHED_DATE.exec(name);
  if (dashed) {
    const hive = HIVE_HOUR.exec(name);
    return range(Number(dashed[1]), num(dashed[2]), num(dashed[3]), num(dashed[4] ?? hive?.[1]));
  }
  const path = PATH_DATE.exec(name);
  if (path) return range(Number(path[1]), num(path[2]), num(path[3]), num(path[4]));
  const compact = COMPACT_DATE.exec(name);
  if (compact) return range(Number(compact[1]), num(compact[2]), num(compact[3]));
  return undefined;
}

export interface ObjectTimeOptions {
  /** Records may sit in an object dated a little earlier or later (late writes, midnight). */
  nameSlackMs: number;
  /** Clock skew between the writer and GCS. */
  updatedSlackMs: number;
}

/**
 * A record is written before its object is last updated, so `updated` bounds the records
 * from above; the name's date bounds them on both sides. `timeCreated` bounds nothing:
 * compaction writes old records into new objects.
 */
export function objectBounds(
  name: string,
  updated: string | undefined,
  options: ObjectTimeOptions,
): TimeBounds {
  const fromName = boundsFromName(name);
  const updatedMs = updated ? Date.parse(updated) : NaN;
  const hiFromUpdated = Number.isNaN(updatedMs) ? Infinity : updatedMs + options.updatedSlackMs;
  return {
    lo: fromName ? fromName.lo - options.nameSlackMs : -Infinity,
    hi: Math.min(fromName ? fromName.hi + options.nameSlackMs : Infinity, hiFromUpdated),
  };
}

export const intersects = (a: TimeBounds, b: TimeBounds): boolean => a.lo <= b.hi && b.lo <= a.hi;

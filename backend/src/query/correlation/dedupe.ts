import { parseTimestamp, labelSet, type LogEntry } from '../../model/index.js';

/**
 * `dedupe=true`: GPT Runner+ writes each trade and reflection twice, to a GCS object and to a
 * Firestore document. Two entries are the same record when one comes from each of those
 * stores and everything they say is equal: time, severity, message and the whole payload
 * (times compared as instants, keys in any order). Anything less equal — a status that
 * differs, one field more — is two records and stays two rows.
 */

/** The label a collapsed entry carries, naming both origins. */
export const ORIGINS_LABEL = 'origins';

const PAIRED_SOURCES = new Set(['gcs', 'firestore']);

/** Times written either way (`…13.123Z`, `…13.123000000Z`) compare as the same instant. */
function canonical(value: unknown): unknown {
  if (typeof value === 'string') return parseTimestamp(value) ?? value;
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    return Object.keys(record)
      .sort()
      .map((key) => [key, canonical(record[key])]);
  }
  return value;
}

/** What two copies of one record share; `undefined` for entries that are never paired. */
export function recordIdentity(entry: LogEntry): string | undefined {
  if (!PAIRED_SOURCES.has(entry.source) || entry.payload === undefined) return undefined;
  return JSON.stringify([entry.timestamp, entry.severity, entry.message, canonical(entry.payload)]);
}

/** One entry for both copies: the GCS one's place in the listing, the labels of both, and which. */
export function collapse(a: LogEntry, b: LogEntry): LogEntry {
  const [gcs, firestore] = a.source === 'gcs' ? [a, b] : [b, a];
  return {
    ...gcs,
    labels: labelSet(firestore.labels, gcs.labels, {
      [ORIGINS_LABEL]: 'gcs,firestore',
      firestore_id: firestore.id,
    }),
  };
}

export interface DedupeResult {
  entries: LogEntry[];
  /** Per identity, the places of entries still waiting for their other copy (it may be on the next page). */
  unpaired: Map<string, number[]>;
  collapsed: number;
}

/** Pairs `entry` with the first waiting copy from the other store; false when there is none. */
function pair(result: DedupeResult, entry: LogEntry, identity: string): boolean {
  const waiting = result.unpaired.get(identity) ?? [];
  const at = waiting.findIndex((i) => result.entries[i]?.source !== entry.source);
  const index = waiting[at];
  const partner = index === undefined ? undefined : result.entries[index];
  if (index === undefined || !partner) return false;
  result.entries[index] = collapse(partner, entry);
  waiting.splice(at, 1);
  if (waiting.length === 0) result.unpaired.delete(identity);
  result.collapsed += 1;
  return true;
}

/**
 * Collapses pairs within a list, keeping the list's order (each pair sits where its first copy
 * was). One to one: a third identical entry is not swallowed.
 */
export function dedupeEntries(entries: readonly LogEntry[]): DedupeResult {
  const result: DedupeResult = { entries: [], unpaired: new Map(), collapsed: 0 };
  for (const entry of entries) {
    const identity = recordIdentity(entry);
    if (identity !== undefined && pair(result, entry, identity)) continue;
    if (identity !== undefined) {
      const waiting = result.unpaired.get(identity) ?? [];
      waiting.push(result.entries.length);
      result.unpaired.set(identity, waiting);
    }
    result.entries.push(entry);
  }
  return result;
}

/**
 * Merges copies from the start of the next page into a page's waiting entries, while they are
 * partners; returns how many of `next` were merged (the caller moves its cursor past them).
 */
export function absorbPartners(result: DedupeResult, next: readonly LogEntry[]): number {
  let taken = 0;
  for (const entry of next) {
    const identity = recordIdentity(entry);
    if (identity === undefined || !pair(result, entry, identity)) break;
    taken += 1;
  }
  return taken;
}

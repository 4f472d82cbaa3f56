import type { Severity } from './severity.js';
import type { Timestamp } from './time.js';

export const SOURCE_NAMES = ['gcs', 'firestore', 'pods'] as const;

/** Where an entry came from: a GCS object, a Firestore document, or a pod's log. */
export type SourceName = (typeof SOURCE_NAMES)[number];

export const isSourceName = (value: string): value is SourceName =>
  (SOURCE_NAMES as readonly string[]).includes(value);

/** One normalized log record, whatever its origin. */
export interface LogEntry {
  /** Stable and unique within its source: object name + line, document path, pod/container + offset. */
  id: string;
  /** RFC 3339, UTC, nine fraction digits (see `time.ts`). */
  timestamp: Timestamp;
  source: SourceName;
  severity: Severity;
  /** The human line; for a structured record its message field or a compact rendering. */
  message: string;
  /** Flat string map: bucket, object, collection, namespace, pod, … plus promoted payload fields. */
  labels: Record<string, string>;
  /** The original structured record, when there is one. */
  payload?: unknown;
}

/**
 * The position of an entry in the total order every listing uses: time, then id, then
 * source (ids are unique only within a source). Cursors carry one of these.
 */
export interface EntryKey {
  timestamp: Timestamp;
  id: string;
  source: SourceName;
}

export const entryKey = (entry: LogEntry): EntryKey => ({
  timestamp: entry.timestamp,
  id: entry.id,
  source: entry.source,
});

/** Ascending comparison of two keys (oldest first). */
export function compareKeys(a: EntryKey, b: EntryKey): number {
  if (a.timestamp !== b.timestamp) return a.timestamp < b.timestamp ? -1 : 1;
  if (a.id !== b.id) return a.id < b.id ? -1 : 1;
  if (a.source !== b.source) return a.source < b.source ? -1 : 1;
  return 0;
}

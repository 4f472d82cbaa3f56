import { compareKeys, type LogEntry } from './log-entry.js';
import type { Direction } from './log-query.js';

export type EntryComparator = (a: LogEntry, b: LogEntry) => number;

/** The listing order: newest first for `backward`, oldest first for `forward`; total, so stable. */
export function comparatorFor(direction: Direction): EntryComparator {
  return direction === 'backward' ? (a, b) => compareKeys(b, a) : compareKeys;
}

export function sortEntries(entries: LogEntry[], direction: Direction): LogEntry[] {
  return entries.sort(comparatorFor(direction));
}

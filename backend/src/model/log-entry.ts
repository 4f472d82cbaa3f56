import type { LogEntry, SourceName } from '@gpt-runner-logs/contract';
import type { Timestamp } from './time.js';

// The names and the entry's shape are the contract's: written once, shared with the plugins.
export { SOURCE_NAMES, isSourceName, type LogEntry, type SourceName } from '@gpt-runner-logs/contract';

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

/**
 * A label's value by name, own labels only: a name such as `toString`, `constructor` or
 * `__proto__` is a label like any other, never a member every object inherits.
 */
export function labelValue(labels: Readonly<Record<string, string>>, name: string): string | undefined {
  return Object.hasOwn(labels, name) ? labels[name] : undefined;
}

/**
 * A label set with no prototype, so assigning any name (`__proto__` included) adds a label
 * instead of changing the object, and reading one finds only labels.
 */
export function labelSet(...parts: Readonly<Record<string, string>>[]): Record<string, string> {
  const labels = Object.create(null) as Record<string, string>;
  for (const part of parts) {
    for (const name of Object.keys(part)) labels[name] = part[name] as string;
  }
  return labels;
}

import {
  SOURCE_NAMES,
  compareKeys,
  labelValue,
  type EntryKey,
  type LogEntry,
  type SourceName,
} from '../../backend/src/model/index.js';
import type {
  LogSource,
  MetaField,
  MetaScope,
  SourceHealth,
  SourceRequest,
  SourceResult,
  StreamScope,
} from '../../backend/src/query/log-source.js';

/** Which label carries each listable field. */
const FIELD_LABEL: Record<MetaField, string> = {
  buckets: 'bucket',
  prefixes: 'prefix',
  collections: 'collection',
  namespaces: 'namespace',
  pods: 'pod',
  containers: 'container',
};

export interface MemorySourceOptions {
  /**
   * The stream of an id, as the real source of these entries reads it; without it no row
   * has context. Entries made with a real source's mapping pass that source's function.
   */
  contextScope?: (id: string) => StreamScope | undefined;
}

/**
 * A source over entries held in memory, sorted once. It backs the engine's tests and
 * benchmark, and stands in for a real source wherever one is not wanted. It cannot be
 * followed: nothing is ever written to it.
 */
export class MemorySource implements LogSource {
  private readonly entries: LogEntry[];

  constructor(
    readonly name: SourceName,
    entries: Iterable<LogEntry>,
    private readonly options: MemorySourceOptions = {},
  ) {
    this.entries = [...entries].sort(compareKeys);
  }

  contextScope(id: string): StreamScope | undefined {
    return this.options.contextScope?.(id);
  }

  async query({ query, after, limit, matches }: SourceRequest): Promise<SourceResult> {
    const lo = lowerBound(this.entries, { timestamp: query.from, id: '', source: this.name });
    const hi = lowerBound(this.entries, { timestamp: query.to, id: '', source: this.name });
    const backward = query.direction === 'backward';
    let index = startIndex(this.entries, lo, hi, after, backward);
    const step = backward ? -1 : 1;
    const entries: LogEntry[] = [];
    let scanned = 0;
    while (index >= lo && index < hi && entries.length < limit) {
      const entry = this.entries[index] as LogEntry;
      scanned += 1;
      if (matches(entry)) entries.push(entry);
      index += step;
    }
    return { entries, stats: { scanned }, warnings: [] };
  }

  async listValues(field: MetaField, scope: MetaScope): Promise<string[] | undefined> {
    const label = FIELD_LABEL[field];
    const values = new Set<string>();
    for (const { labels } of this.entries) {
      const value = labelValue(labels, label);
      if (value === undefined || !inScope(labels, scope)) continue;
      values.add(value);
    }
    return values.size > 0 ? [...values].sort() : undefined;
  }

  async health(): Promise<SourceHealth> {
    return { up: true, detail: `${this.entries.length} entries in memory` };
  }
}

function inScope(labels: Record<string, string>, scope: MetaScope): boolean {
  return (
    (scope.namespace === undefined || labels.namespace === scope.namespace) &&
    (scope.pod === undefined || labels.pod === scope.pod) &&
    (scope.bucket === undefined || labels.bucket === scope.bucket)
  );
}

/** First index whose entry is not below `key`. */
function lowerBound(entries: LogEntry[], key: EntryKey): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareKeys(entries[mid] as LogEntry, key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function startIndex(
  entries: LogEntry[],
  lo: number,
  hi: number,
  after: EntryKey | undefined,
  backward: boolean,
): number {
  if (!after) return backward ? hi - 1 : lo;
  const at = lowerBound(entries, after);
  const exact = at < entries.length && compareKeys(entries[at] as LogEntry, after) === 0;
  if (backward) return Math.min(at - 1, hi - 1);
  return Math.max(exact ? at + 1 : at, lo);
}

/** One in-memory source per source name, each holding the entries that came from it. */
export function memorySourcesFor(entries: readonly LogEntry[]): Map<SourceName, MemorySource> {
  return new Map(
    SOURCE_NAMES.map((name) => [
      name,
      new MemorySource(
        name,
        entries.filter((e) => e.source === name),
      ),
    ]),
  );
}

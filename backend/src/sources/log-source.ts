import type { EntryKey, LogEntry, LogQuery, SourceName } from '../model/index.js';

/**
 * What the engine asks of a source for one page. The source pushes down what it can
 * (time range, severities, selectors, `after`) and applies `matches` to everything it reads,
 * so it can stop as soon as it holds `limit` matching entries.
 */
export interface SourceRequest {
  query: LogQuery;
  /** Resume strictly after this key in `query.direction` (the cursor's position). */
  after?: EntryKey;
  /** How many matching entries the engine needs from this source at most. */
  limit: number;
  /** The engine's compiled filter: the whole query, `after` included. Pushdown only saves work. */
  matches: (entry: LogEntry) => boolean;
  /** Aborted when the source's time budget runs out or the client goes away. */
  signal: AbortSignal;
}

export interface SourceResult {
  /** At most `limit` entries, all matching, all after `after`, sorted in `query.direction`. */
  entries: LogEntry[];
  /** Source-specific work counters (records scanned, objects downloaded, bytes, …). */
  stats: SourceStats;
  /** Problems that did not stop the page: an unreadable object, a pod that vanished. */
  warnings: string[];
}

export interface SourceStats {
  scanned: number;
  [counter: string]: number;
}

/** A field whose values a source can list for Grafana variables. */
export type MetaField = 'buckets' | 'prefixes' | 'collections' | 'namespaces' | 'pods' | 'containers';

export const META_FIELDS: readonly MetaField[] = [
  'buckets',
  'prefixes',
  'collections',
  'namespaces',
  'pods',
  'containers',
];

/** Narrows a listing: pods of a namespace, containers of a pod. */
export interface MetaScope {
  namespace?: string;
  pod?: string;
  bucket?: string;
}

export interface SourceHealth {
  up: boolean;
  detail: string;
}

/** The contract every source implements; the engine knows nothing else about them. */
export interface LogSource {
  readonly name: SourceName;
  query(request: SourceRequest): Promise<SourceResult>;
  /** `undefined` when this source has no such field. */
  listValues(field: MetaField, scope: MetaScope, signal: AbortSignal): Promise<string[] | undefined>;
  health(signal: AbortSignal): Promise<SourceHealth>;
  close?(): Promise<void>;
}

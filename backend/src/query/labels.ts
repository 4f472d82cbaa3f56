import { createHash } from 'node:crypto';
import { MAX_TIME_MS, type LabelValueCount } from '@gpt-runner-logs/contract';
import type { CacheStatus } from '../cache/cache.js';
import type { CachedCalls } from '../cache/cached-call.js';
import { formatEpochMs, type LogEntry, type LogQuery } from '../model/index.js';
import { collectEntries } from './collect.js';
import type { QueryEngine, Warning } from './engine.js';
import { labelReader } from './filter.js';

/** Names every entry has whatever its labels: label matchers read them from the entry itself. */
const ENTRY_FIELDS = ['source', 'severity'] as const;

const MINUTE_MS = 60_000;

/** What the names or values of one label read: per source, the newest `maxEntries` matches. */
export interface LabelRead {
  entries: number;
  scanned: number;
  /** Some source held more matching entries than were read. */
  entriesCut: boolean;
  partial: boolean;
  warnings: Warning[];
}

export interface LabelNames extends LabelRead {
  names: string[];
  /** More names than `limit`: the first `limit` in order are listed. */
  listCut: boolean;
}

export interface LabelValues extends LabelRead {
  values: LabelValueCount[];
  listCut: boolean;
}

export interface LabelRequest {
  query: LogQuery;
  maxEntries: number;
  limit: number;
}

export type Cached<T> = T & { cache: CacheStatus };

/**
 * Dashboards move their window every refresh; a label list is the same a few seconds later,
 * so the window is widened to whole minutes, and windows within the same minutes share one
 * cache entry (and one read of the sources).
 */
export function minuteWindow(query: LogQuery): LogQuery {
  const from = Math.floor(Date.parse(query.from) / MINUTE_MS) * MINUTE_MS;
  const to = Math.min(MAX_TIME_MS, Math.ceil(Date.parse(query.to) / MINUTE_MS) * MINUTE_MS);
  return { ...query, from: formatEpochMs(from), to: formatEpochMs(to) };
}

/**
 * Reads each selected source on its own, newest first, up to `maxEntries` each: merged, a
 * chatty source (thousands of pod lines) would crowd out a quiet one and its labels (a
 * trade's `symbol`) would never be seen. One source after the other, so at most
 * `maxEntries` entries are held at once; only their labels are kept.
 */
async function readPerSource(
  engine: Pick<QueryEngine, 'page'>,
  request: LabelRequest,
  visit: (entry: LogEntry) => void,
): Promise<LabelRead> {
  const base: LogQuery = { ...request.query, direction: 'backward', after: undefined };
  const read: LabelRead = { entries: 0, scanned: 0, entriesCut: false, partial: false, warnings: [] };
  for (const source of base.sources) {
    const collected = await collectEntries(engine, { ...base, sources: [source] }, request.maxEntries);
    collected.entries.forEach(visit);
    read.entries += collected.entries.length;
    read.scanned += collected.scanned;
    read.entriesCut ||= collected.truncated;
    read.partial ||= collected.partial;
    read.warnings.push(...collected.warnings);
  }
  return read;
}

/** The label names of the entries read, `source` and `severity` included, sorted. */
export async function readLabelNames(
  engine: Pick<QueryEngine, 'page'>,
  request: LabelRequest,
): Promise<LabelNames> {
  const names = new Set<string>();
  const read = await readPerSource(engine, request, (entry) => {
    for (const [name, value] of Object.entries(entry.labels)) if (value !== '') names.add(name);
  });
  if (read.entries > 0) ENTRY_FIELDS.forEach((name) => names.add(name));
  const sorted = [...names].sort();
  return { ...read, names: sorted.slice(0, request.limit), listCut: sorted.length > request.limit };
}

/**
 * The values of one label among the entries read, with how many entries carry each, sorted
 * by value. A missing or empty label is no value (a matcher reads it as the empty string).
 */
export async function readLabelValues(
  engine: Pick<QueryEngine, 'page'>,
  request: LabelRequest & { name: string },
): Promise<LabelValues> {
  const read = labelReader(request.name);
  const counts = new Map<string, number>();
  const result = await readPerSource(engine, request, (entry) => {
    const value = read(entry);
    if (value !== '') counts.set(value, (counts.get(value) ?? 0) + 1);
  });
  const values = [...counts]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([value, entries]) => ({ value, entries }));
  return { ...result, values: values.slice(0, request.limit), listCut: values.length > request.limit };
}

const cacheKey = (kind: string, request: object): string =>
  `labels:${kind}:` + createHash('sha256').update(JSON.stringify(request)).digest('base64url');

/**
 * Label names and values behind the cache, over minute-aligned windows. Partial answers are
 * not cached: a source that failed a moment ago should be asked again.
 */
export class LabelReader {
  constructor(
    private readonly engine: Pick<QueryEngine, 'page'>,
    private readonly calls: CachedCalls,
    private readonly ttlSeconds: number,
  ) {}

  names(request: LabelRequest): Promise<Cached<LabelNames>> {
    return this.cached('names', request, (aligned) => readLabelNames(this.engine, aligned));
  }

  values(request: LabelRequest & { name: string }): Promise<Cached<LabelValues>> {
    return this.cached('values', request, (aligned) => readLabelValues(this.engine, aligned));
  }

  private async cached<R extends LabelRequest, T extends LabelRead>(
    kind: string,
    request: R,
    read: (aligned: R) => Promise<T>,
  ): Promise<Cached<T>> {
    const aligned = { ...request, query: minuteWindow(request.query) };
    const { value, cache } = await this.calls.run(
      cacheKey(kind, aligned),
      this.ttlSeconds,
      () => read(aligned),
      (answer) => !answer.partial,
    );
    return { ...value, cache };
  }
}

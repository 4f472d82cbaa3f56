import {
  MAX_TIME_MS,
  RELATED_FALLBACK_WINDOW_MS,
  RELATED_WINDOW_AFTER_MS,
  RELATED_WINDOW_BEFORE_MS,
  carriesValue,
  type CorrelationField,
  type ExpectedPlace,
  type RelatedResponse,
  type RelatedTimeline,
} from '@gpt-runner-logs/contract';
import {
  comparatorFor,
  formatEpochMs,
  labelValue,
  mergeSorted,
  timestampMs,
  type LogEntry,
  type LogQuery,
  type SourceName,
} from '../../model/index.js';
import type { LogSource, SourceResult } from '../log-source.js';
import { withinBudget, type Budgeted } from './budget.js';

/**
 * `/logs/related`: every entry of every readable source that carries one correlation value,
 * oldest first, under a timeline of where and when it was seen and where it is missing.
 *
 * Sources that can look a value up (Firestore: document id, field equality) are asked first,
 * whatever the window; their earliest sighting places the window the others are read over
 * (GCS lists only that window's dated folders, pods read from its start), unless the caller
 * gave one.
 */
export interface RelatedRequest {
  field: CorrelationField;
  value: string;
  /** Both or neither; without them the window is found from the first sighting. */
  window?: { from: string; to: string };
  limit: number;
  /** Sources this caller may read, enabled here. */
  sources: SourceName[];
  /** Where ids of this key are expected (all of them, readable or not). */
  expected: ExpectedPlace[];
  nowMs: number;
}

export interface RelatedDeps {
  sources: ReadonlyMap<SourceName, LogSource>;
  sourceTimeoutMs: number;
}

interface SourceRead {
  source: SourceName;
  entries: LogEntry[];
  scanned: number;
  pushdown: string;
  tookMs: number;
  failure?: string;
}

type Window = RelatedResponse['window'];

export async function findRelated(
  request: RelatedRequest,
  deps: RelatedDeps,
  signal?: AbortSignal,
): Promise<RelatedResponse> {
  const started = performance.now();
  const lookups = await Promise.all(
    request.sources.map((name) => lookUp(name, request, deps, signal)).filter((read) => read !== undefined),
  );
  const window = windowOf(request, lookups);
  const looked = new Set(lookups.map((read) => read.source));
  const scans = await Promise.all(
    request.sources
      .filter((name) => !looked.has(name))
      .map((name) => scanWindow(name, window, request, deps, signal)),
  );
  const reads = [...lookups, ...scans].map((read) => ({
    ...read,
    entries: read.entries.filter((e) => e.timestamp >= window.from && e.timestamp < window.to),
  }));
  const merged = mergeSorted(
    reads.map((read) => read.entries),
    comparatorFor('forward'),
    request.limit + 1,
  );
  const entries = merged.slice(0, request.limit);
  return {
    timeline: timelineOf(request, entries),
    entries,
    window,
    truncated: merged.length > request.limit || reads.some((read) => read.entries.length > request.limit),
    partial: reads.some((read) => read.failure !== undefined),
    warnings: reads
      .filter((read) => read.failure !== undefined)
      .map((read) => ({
        source: read.source,
        message: `${read.source} ${read.failure}; its entries are missing`,
      })),
    stats: {
      scanned: reads.reduce((sum, read) => sum + read.scanned, 0),
      tookMs: Math.round(performance.now() - started),
      sources: Object.fromEntries(
        reads.map((read) => [
          read.source,
          { scanned: read.scanned, pushdown: read.pushdown, tookMs: read.tookMs },
        ]),
      ),
    },
  };
}

function toRead(source: SourceName, pushdown: string, outcome: Budgeted<SourceResult>): SourceRead {
  const { tookMs } = outcome;
  if (!outcome.ok) return { source, entries: [], scanned: 0, pushdown, tookMs, failure: outcome.reason };
  return { source, entries: outcome.value.entries, scanned: outcome.value.stats.scanned, pushdown, tookMs };
}

/** A source that can look the value up, asked without a window; `undefined` for the others. */
function lookUp(
  name: SourceName,
  request: RelatedRequest,
  deps: RelatedDeps,
  signal?: AbortSignal,
): Promise<SourceRead> | undefined {
  const source = deps.sources.get(name);
  if (!source?.findCorrelated) return undefined;
  const find = source.findCorrelated.bind(source);
  return withinBudget(
    (inner) => find({ field: request.field, value: request.value, limit: request.limit + 1, signal: inner }),
    deps.sourceTimeoutMs,
    signal,
  ).then((outcome) => toRead(name, 'lookup', outcome));
}

/**
 * The caller's window; else from 30 minutes before the first sighting a lookup found to two
 * hours after it; else the last day.
 */
function windowOf(request: RelatedRequest, lookups: SourceRead[]): Window {
  if (request.window) return { ...request.window, basis: 'request' };
  const first = lookups
    .flatMap((read) => read.entries.map((e) => e.timestamp))
    .reduce<string | undefined>((a, b) => (a === undefined || b < a ? b : a), undefined);
  if (first === undefined) {
    return {
      from: formatEpochMs(Math.max(0, request.nowMs - RELATED_FALLBACK_WINDOW_MS)),
      to: formatEpochMs(request.nowMs + 1),
      basis: 'fallback',
    };
  }
  const at = timestampMs(first);
  return {
    from: formatEpochMs(Math.max(0, at - RELATED_WINDOW_BEFORE_MS)),
    to: formatEpochMs(Math.min(MAX_TIME_MS, at + RELATED_WINDOW_AFTER_MS)),
    basis: 'first-sighting',
  };
}

/** Every entry of the window that carries the value, read through the source's own pushdown of the window. */
function scanWindow(
  name: SourceName,
  window: Window,
  request: RelatedRequest,
  deps: RelatedDeps,
  signal?: AbortSignal,
): Promise<SourceRead> {
  const source = deps.sources.get(name);
  if (!source)
    return Promise.resolve({
      source: name,
      entries: [],
      scanned: 0,
      pushdown: 'none',
      tookMs: 0,
      failure: 'is not configured on this server',
    });
  const query: LogQuery = {
    sources: [name],
    from: window.from,
    to: window.to,
    severities: [],
    labels: [],
    limit: request.limit + 1,
    direction: 'forward',
    selectors: {},
  };
  const matches = (entry: LogEntry): boolean => carriesValue(entry, request.field, request.value);
  return withinBudget(
    (inner) => source.query({ query, limit: request.limit + 1, matches, signal: inner }),
    deps.sourceTimeoutMs,
    signal,
  ).then((outcome) => toRead(name, 'window', outcome));
}

function timelineOf(request: RelatedRequest, entries: LogEntry[]): RelatedTimeline {
  const sources: RelatedTimeline['sources'] = {};
  const severities: RelatedTimeline['severities'] = {};
  for (const entry of entries) {
    sources[entry.source] = (sources[entry.source] ?? 0) + 1;
    severities[entry.severity] = (severities[entry.severity] ?? 0) + 1;
  }
  const readable = (place: ExpectedPlace): boolean => request.sources.includes(place.source);
  const found = (place: ExpectedPlace): boolean =>
    entries.some((e) => e.source === place.source && labelValue(e.labels, place.label) === place.value);
  return {
    key: request.field.name,
    value: request.value,
    firstSeen: entries[0]?.timestamp,
    lastSeen: entries.at(-1)?.timestamp,
    sources,
    severities,
    missing: request.expected.filter((place) => readable(place) && !found(place)),
    unchecked: request.expected.filter((place) => !readable(place)),
  };
}

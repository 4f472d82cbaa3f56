import { TimeRange } from '@grafana/data';
import {
  DEFAULT_LIMIT,
  DEFAULT_MAX_ENTRIES,
  LabelFilter,
  ListingParamName,
  LogQueryParamName,
  MAX_LIMIT,
  MAX_MAX_ENTRIES,
  MAX_VOLUME_BUCKETS,
  PatternParamName,
  ReconcileParamName,
  RelatedParamName,
  SEVERITIES,
  Severity,
  SourceName,
  SummaryParamName,
  VolumeParamName,
} from '@gpt-runner-logs/contract';

import { QueryParams } from '../api';
import { UnifiedLogsQuery } from '../types';
import { splitList } from './interpolate';

/** `name=value`, `name!=value`, `name=~re`, `name!~re`: the backend's `label` parameter. */
export function formatLabelFilter(filter: LabelFilter): string {
  return `${filter.name}${filter.op}${filter.value}`;
}

function completeLabels(query: UnifiedLogsQuery): LabelFilter[] {
  return (query.labels ?? []).filter((filter) => filter.name.trim() !== '');
}

export function severitiesOf(query: UnifiedLogsQuery): Severity[] {
  const wanted = new Set((query.severities ?? []).map((s) => s.trim().toUpperCase()));
  // Kept in scale order so that equal queries produce equal URLs (and cache hits).
  return SEVERITIES.filter((s) => wanted.has(s));
}

export function sourcesOf(query: UnifiedLogsQuery): SourceName[] {
  return !query.source || query.source === 'all' ? [] : [query.source];
}

/** What the backend assumes when a count is left out, and the most it accepts. */
export interface CountBounds {
  fallback: number;
  max: number;
}

/** A query's line limit; left empty, the data source's "Maximum lines" setting (`fallback`) applies. */
export const limitBounds = (fallback: number): CountBounds => ({
  fallback: clampCount(fallback, { fallback: DEFAULT_LIMIT, max: MAX_LIMIT }),
  max: MAX_LIMIT,
});
export const MAX_ENTRIES_BOUNDS: CountBounds = { fallback: DEFAULT_MAX_ENTRIES, max: MAX_MAX_ENTRIES };

/**
 * A whole number within the backend's bounds. Above the maximum the backend would refuse the
 * whole query, so the maximum is asked for instead; anything unusable gets the default.
 */
export function clampCount(value: number | string | undefined, bounds: CountBounds): number {
  const count = Math.trunc(Number(value));
  if (!Number.isFinite(count) || count < 1) {
    return bounds.fallback;
  }
  return Math.min(count, bounds.max);
}

export const clampLimit = (limit: number | string | undefined, maxLines: number): number =>
  clampCount(limit, limitBounds(maxLines));

export const clampMaxEntries = (maxEntries: number | string | undefined): number =>
  clampCount(maxEntries, MAX_ENTRIES_BOUNDS);

/** `T` when each of its keys is one of `Names`, `never` otherwise: a misspelt parameter does not compile. */
type NamedBy<Names extends string, T> = Exclude<keyof T, Names> extends never ? T : never;

/** The filters every endpoint shares, under the contract's parameter names, as lists. */
export type Filters = NamedBy<
  LogQueryParamName,
  {
    source: SourceName[];
    from: number;
    to: number;
    severity: Severity[];
    search?: string;
    regex?: boolean;
    label: string[];
    bucket?: string;
    prefix: string[];
    collection: string[];
    namespace?: string;
    selector?: string;
    pod: string[];
    container?: string;
    previous?: boolean;
  }
>;

const nonEmpty = (value: string | undefined): string | undefined => (value && value.trim() ? value.trim() : undefined);

/** Per-source fields only apply when that source is chosen; "All" sends none of them. */
export function buildFilters(query: UnifiedLogsQuery, range: TimeRange): Filters {
  const source = query.source ?? 'all';
  const search = nonEmpty(query.search);
  return {
    source: sourcesOf(query),
    from: range.from.valueOf(),
    to: range.to.valueOf(),
    severity: severitiesOf(query),
    search,
    regex: search && query.regex ? true : undefined,
    label: completeLabels(query).map(formatLabelFilter),
    bucket: source === 'gcs' ? nonEmpty(query.bucket) : undefined,
    prefix: source === 'gcs' ? splitList(query.prefixes) : [],
    collection: source === 'firestore' ? splitList(query.collections) : [],
    namespace: source === 'pods' ? nonEmpty(query.namespace) : undefined,
    selector: source === 'pods' ? nonEmpty(query.selector) : undefined,
    pod: source === 'pods' ? splitList(query.pods) : [],
    container: source === 'pods' ? nonEmpty(query.container) : undefined,
    previous: source === 'pods' && query.previous ? true : undefined,
  };
}

/** Query-string form: lists become comma lists, except `label`, which repeats. */
export function filtersToParams(filters: Filters): QueryParams<LogQueryParamName> {
  const params: QueryParams<LogQueryParamName> = [];
  for (const [key, value] of Object.entries(filters) as Array<[keyof Filters, Filters[keyof Filters]]>) {
    if (key === 'label') {
      filters.label.forEach((label) => params.push(['label', label]));
      continue;
    }
    const text = Array.isArray(value) ? value.join(',') : value === undefined ? '' : String(value);
    if (text !== '') {
      params.push([key, text]);
    }
  }
  return params;
}

/** `limit` is the number of lines asked for, already bounded (`clampLimit`). */
export function logsParams(query: UnifiedLogsQuery, range: TimeRange, limit: number): QueryParams<ListingParamName> {
  const params: QueryParams<ListingParamName> = filtersToParams(buildFilters(query, range));
  params.push(['limit', String(limit)]);
  if (query.direction === 'forward') {
    params.push(['direction', 'forward']);
  }
  if (query.dedupe) {
    params.push(['dedupe', 'true']);
  }
  return params;
}

/**
 * The Related view: a key and its value. The dashboard's range is not sent: the backend
 * places the window around the value's first sighting, which is what a data link wants.
 */
export function relatedParams(query: UnifiedLogsQuery): QueryParams<RelatedParamName> {
  return [
    ['key', nonEmpty(query.correlationKey) ?? 'order_id'],
    ['value', nonEmpty(query.correlationValue) ?? ''],
  ];
}

export function reconcileParams(range: TimeRange): QueryParams<ReconcileParamName> {
  return [
    ['from', String(range.from.valueOf())],
    ['to', String(range.to.valueOf())],
  ];
}

/**
 * `step` follows the panel's interval so that buckets line up with the panel's points, but
 * never so fine that the range holds more buckets than the backend accepts.
 */
export function volumeStepMs(range: TimeRange, intervalMs: number): number {
  const spanMs = range.to.valueOf() - range.from.valueOf();
  return Math.max(1000, Math.round(intervalMs), Math.ceil(spanMs / MAX_VOLUME_BUCKETS));
}

export function volumeParams(
  query: UnifiedLogsQuery,
  range: TimeRange,
  intervalMs: number
): QueryParams<VolumeParamName> {
  const params: QueryParams<VolumeParamName> = filtersToParams(buildFilters(query, range));
  params.push(['step', String(volumeStepMs(range, intervalMs))]);
  return params;
}

/** Left out, `maxEntries` is the backend's default; given, it is kept within the backend's bounds. */
const maxEntriesOf = (query: UnifiedLogsQuery): number | undefined =>
  query.maxEntries === undefined || query.maxEntries === '' ? undefined : clampMaxEntries(query.maxEntries);

export function patternsParams(query: UnifiedLogsQuery, range: TimeRange): QueryParams<PatternParamName> {
  const params: QueryParams<PatternParamName> = filtersToParams(buildFilters(query, range));
  const maxEntries = maxEntriesOf(query);
  if (maxEntries !== undefined) {
    params.push(['maxEntries', String(maxEntries)]);
  }
  return params;
}

/** `POST /logs/summary` takes the same names in JSON, with arrays for lists. */
export function summaryBody(
  query: UnifiedLogsQuery,
  range: TimeRange,
  links?: Partial<Record<'grafanaUrl' | 'datasourceUid', string>>
): Partial<Record<SummaryParamName, unknown>> {
  const body: Partial<Record<SummaryParamName, unknown>> = {
    ...buildFilters(query, range),
    maxEntries: maxEntriesOf(query),
    focus: nonEmpty(query.focus),
    ...links,
  };
  for (const [key, value] of Object.entries(body) as Array<[SummaryParamName, unknown]>) {
    if (value === undefined || (Array.isArray(value) && value.length === 0)) {
      delete body[key];
    }
  }
  return body;
}

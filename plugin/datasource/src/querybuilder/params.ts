import { TimeRange } from '@grafana/data';

import { QueryParams } from '../api';
import { LabelFilter, MAX_LIMIT, SEVERITIES, Severity, SourceName, UnifiedLogsQuery } from '../types';
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

export function clampLimit(limit: number | string | undefined, fallback: number): number {
  const value = Math.trunc(Number(limit));
  if (!Number.isFinite(value) || value < 1) {
    return fallback;
  }
  return Math.min(value, MAX_LIMIT);
}

/** The filters every endpoint shares, as lists (the summary's JSON body uses arrays). */
export interface Filters {
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
export function filtersToParams(filters: Filters): QueryParams {
  const params: QueryParams = [];
  const add = (key: string, value: string | number | boolean | undefined) => {
    if (value !== undefined && value !== '') {
      params.push([key, String(value)]);
    }
  };
  const addList = (key: string, values: string[]) => add(key, values.length ? values.join(',') : undefined);

  addList('source', filters.source);
  add('from', filters.from);
  add('to', filters.to);
  addList('severity', filters.severity);
  add('search', filters.search);
  add('regex', filters.regex);
  filters.label.forEach((label) => add('label', label));
  add('bucket', filters.bucket);
  addList('prefix', filters.prefix);
  addList('collection', filters.collection);
  add('namespace', filters.namespace);
  add('selector', filters.selector);
  addList('pod', filters.pod);
  add('container', filters.container);
  add('previous', filters.previous);
  return params;
}

export function logsParams(query: UnifiedLogsQuery, range: TimeRange, defaultLimit: number): QueryParams {
  const params = filtersToParams(buildFilters(query, range));
  params.push(['limit', String(clampLimit(query.limit, defaultLimit))]);
  if (query.direction === 'forward') {
    params.push(['direction', 'forward']);
  }
  return params;
}

/** `step` follows the panel's interval so that buckets line up with the panel's points. */
export function volumeParams(query: UnifiedLogsQuery, range: TimeRange, intervalMs: number): QueryParams {
  const params = filtersToParams(buildFilters(query, range));
  params.push(['step', String(Math.max(1000, Math.round(intervalMs)))]);
  return params;
}

export function patternsParams(query: UnifiedLogsQuery, range: TimeRange): QueryParams {
  return filtersToParams(buildFilters(query, range));
}

/** `POST /logs/summary` takes the same names in JSON, with arrays for lists. */
export function summaryBody(query: UnifiedLogsQuery, range: TimeRange): Record<string, unknown> {
  const body: Record<string, unknown> = { ...buildFilters(query, range) };
  const maxEntries = query.maxEntries === undefined ? undefined : clampLimit(query.maxEntries, 500);
  if (maxEntries !== undefined) {
    body.maxEntries = maxEntries;
  }
  if (query.focus?.trim()) {
    body.focus = query.focus.trim();
  }
  for (const key of Object.keys(body)) {
    const value = body[key];
    if (value === undefined || (Array.isArray(value) && value.length === 0)) {
      delete body[key];
    }
  }
  return body;
}

import { QueryFixAction } from '@grafana/data';

import { LabelFilter, LabelOperator, SourceName, escapeRegex, isSourceName } from '@gpt-runner-logs/contract';

import { UnifiedLogsQuery } from './types';

/**
 * What `modifyQuery` can do, for Grafana's `getSupportedQueryModifications`: filters from log
 * details, and line filters from a selection in a log line (Explore's popover menu sends the
 * ADD_STRING_ kinds, Loki names the same actions ADD_LINE_).
 */
export const SUPPORTED_MODIFICATIONS = [
  'ADD_FILTER',
  'ADD_FILTER_OUT',
  'ADD_STRING_FILTER',
  'ADD_STRING_FILTER_OUT',
  'ADD_LINE_FILTER',
  'ADD_LINE_FILTER_OUT',
] as const;

/**
 * The backend reads `message` as the entry's line (as it reads `source` and `severity` from the
 * entry), so "line contains" and "line does not contain" are label matchers on it.
 */
export const MESSAGE_LABEL = 'message';

const opposite = (op: '=' | '!='): '=' | '!=' => (op === '=' ? '!=' : '=');

function withLabelFilter(query: UnifiedLogsQuery, name: string, op: '=' | '!=', value: string): UnifiedLogsQuery {
  // A filter and its negation on the same value cancel out; the newest intent wins.
  const labels = (query.labels ?? []).filter(
    (f) => !(f.name === name && f.value === value && (f.op === opposite(op) || f.op === op))
  );
  const filter: LabelFilter = { name, op, value };
  return { ...query, labels: [...labels, filter] };
}

const withoutSourceExclusion = (query: UnifiedLogsQuery, source: SourceName): LabelFilter[] =>
  (query.labels ?? []).filter((f) => !(f.name === 'source' && f.op === '!=' && f.value === source));

/**
 * `source` is not a stored label but the query's source selector. Filtering for a source
 * selects it (dropping an exclusion of it); filtering out the selected source switches to the
 * others ("All" without it), because nothing could match the selected source without it;
 * filtering out a source another source already excludes changes nothing.
 */
function filterSource(query: UnifiedLogsQuery, op: '=' | '!=', source: SourceName): UnifiedLogsQuery {
  const selected = query.source ?? 'all';
  if (op === '=') {
    return { ...query, source, labels: withoutSourceExclusion(query, source) };
  }
  if (selected !== 'all' && selected !== source) {
    return query;
  }
  return withLabelFilter({ ...query, source: 'all' }, 'source', '!=', source);
}

/** A case-insensitive "contains" on the line, as the backend's search is, for the label matcher. */
const CONTAINS_PREFIX = '(?is).*';
const CONTAINS_SUFFIX = '.*';
const containsPattern = (text: string): string => `${CONTAINS_PREFIX}${escapeRegex(text)}${CONTAINS_SUFFIX}`;

/**
 * The texts of the "line contains" filters added from selections, as Grafana's highlighter
 * reads search words: regular expressions, `(?i)` for the backend's case-insensitive match.
 */
export function lineFilterWords(query: UnifiedLogsQuery): string[] {
  return (query.labels ?? [])
    .filter((f) => f.name === MESSAGE_LABEL && f.op === '=~')
    .filter((f) => f.value.startsWith(CONTAINS_PREFIX) && f.value.endsWith(CONTAINS_SUFFIX))
    .map((f) => f.value.slice(CONTAINS_PREFIX.length, f.value.length - CONTAINS_SUFFIX.length))
    .filter((escaped) => escaped !== '')
    .map((escaped) => `(?i)${escaped}`);
}

/**
 * "Add as line filter": the first goes into the search field (which the editor shows and
 * Grafana highlights); further ones, and every "does not contain", become matchers on the line.
 */
function lineFilter(query: UnifiedLogsQuery, value: string, contains: boolean): UnifiedLogsQuery {
  const search = query.search?.trim() ?? '';
  if (contains && search === '') {
    return { ...query, search: value, regex: false };
  }
  if (contains && !query.regex && search.toLowerCase() === value.toLowerCase()) {
    return query;
  }
  const op: LabelOperator = contains ? '=~' : '!~';
  const pattern = containsPattern(value);
  const labels = (query.labels ?? []).filter((f) => !(f.name === MESSAGE_LABEL && f.value === pattern));
  return { ...query, labels: [...labels, { name: MESSAGE_LABEL, op, value: pattern }] };
}

/** Log details' filter buttons and the log line popover menu in Explore. */
export function modifyQuery(query: UnifiedLogsQuery, action: QueryFixAction): UnifiedLogsQuery {
  const key = action.options?.key;
  const value = action.options?.value;
  if (value === undefined) {
    return query;
  }
  switch (action.type) {
    case 'ADD_STRING_FILTER':
    case 'ADD_LINE_FILTER':
      return value === '' ? query : lineFilter(query, value, true);
    case 'ADD_STRING_FILTER_OUT':
    case 'ADD_LINE_FILTER_OUT':
      return value === '' ? query : lineFilter(query, value, false);
  }
  if (!key) {
    return query;
  }
  const op = action.type === 'ADD_FILTER' ? '=' : action.type === 'ADD_FILTER_OUT' ? '!=' : undefined;
  if (!op) {
    return query;
  }
  if (key === 'source' && isSourceName(value)) {
    return filterSource(query, op, value);
  }
  return withLabelFilter(query, key, op, value);
}

/** For Grafana's "is this filter already applied?" check on the log details buttons. */
export function hasLabelFilter(query: UnifiedLogsQuery, key: string, value: string, op: '=' | '!=' = '='): boolean {
  if (key === 'source' && isSourceName(value)) {
    return op === '=' ? query.source === value : sourceExcluded(query, value);
  }
  return (query.labels ?? []).some((f) => f.name === key && f.value === value && f.op === op);
}

/** A source is filtered out when the query reads another source alone, or excludes it by label. */
function sourceExcluded(query: UnifiedLogsQuery, source: SourceName): boolean {
  const selected = query.source ?? 'all';
  if (selected !== 'all') {
    return selected !== source;
  }
  return withoutSourceExclusion(query, source).length !== (query.labels ?? []).length;
}

/** Removes the filter when it is there, adds it (replacing its opposite) otherwise. */
export function toggleLabelFilter(
  query: UnifiedLogsQuery,
  op: '=' | '!=',
  key: string,
  value: string
): UnifiedLogsQuery {
  if (key === 'source' && isSourceName(value) && hasLabelFilter(query, key, value, op)) {
    return { ...query, source: 'all', labels: withoutSourceExclusion(query, value) };
  }
  if (hasLabelFilter(query, key, value, op)) {
    return {
      ...query,
      labels: (query.labels ?? []).filter((f) => !(f.name === key && f.value === value && f.op === op)),
    };
  }
  return modifyQuery(query, { type: op === '=' ? 'ADD_FILTER' : 'ADD_FILTER_OUT', options: { key, value } });
}

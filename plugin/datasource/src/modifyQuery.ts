import { QueryFixAction } from '@grafana/data';

import { LabelFilter, LabelOperator, isSourceName } from '@gpt-runner-logs/contract';

import { UnifiedLogsQuery } from './types';

function withLabelFilter(query: UnifiedLogsQuery, name: string, op: LabelOperator, value: string): UnifiedLogsQuery {
  const opposite: LabelOperator = op === '=' ? '!=' : '=';
  // A filter and its negation on the same value cancel out; the newest intent wins.
  const labels = (query.labels ?? []).filter(
    (f) => !(f.name === name && f.value === value && (f.op === opposite || f.op === op))
  );
  const filter: LabelFilter = { name, op, value };
  return { ...query, labels: [...labels, filter] };
}

/**
 * The `source` label is not a stored label but the query's source selector, so filtering
 * for it narrows the source; filtering it out of "All" is left to the label matcher.
 */
function filterBySource(query: UnifiedLogsQuery, value: string): UnifiedLogsQuery | undefined {
  return isSourceName(value) ? { ...query, source: value } : undefined;
}

/** Logs details' "filter for value" / "filter out value" buttons. */
export function modifyQuery(query: UnifiedLogsQuery, action: QueryFixAction): UnifiedLogsQuery {
  const key = action.options?.key;
  const value = action.options?.value;
  if (!key || value === undefined) {
    return query;
  }
  switch (action.type) {
    case 'ADD_FILTER':
      return (key === 'source' && filterBySource(query, value)) || withLabelFilter(query, key, '=', value);
    case 'ADD_FILTER_OUT':
      return withLabelFilter(query, key, '!=', value);
    default:
      return query;
  }
}

/** For Grafana's "is this filter already applied?" check on the log details buttons. */
export function hasLabelFilter(query: UnifiedLogsQuery, key: string, value: string, op: LabelOperator = '='): boolean {
  if (key === 'source' && op === '=' && query.source === value) {
    return true;
  }
  return (query.labels ?? []).some((f) => f.name === key && f.value === value && f.op === op);
}

/** Removes the filter when it is there (either form for `source`), adds it otherwise. */
export function toggleLabelFilter(
  query: UnifiedLogsQuery,
  op: '=' | '!=',
  key: string,
  value: string
): UnifiedLogsQuery {
  if (key === 'source' && op === '=' && query.source === value) {
    return { ...query, source: 'all' };
  }
  if (hasLabelFilter(query, key, value, op)) {
    return {
      ...query,
      labels: (query.labels ?? []).filter((f) => !(f.name === key && f.value === value && f.op === op)),
    };
  }
  return modifyQuery(query, { type: op === '=' ? 'ADD_FILTER' : 'ADD_FILTER_OUT', options: { key, value } });
}

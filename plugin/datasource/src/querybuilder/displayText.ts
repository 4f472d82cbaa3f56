import { QueryTypeName } from '@gpt-runner-logs/contract';

import { QueryType, UnifiedLogsQuery } from '../types';
import { formatLabelFilter } from './params';

const TYPE_TEXT: Record<QueryTypeName, string> = {
  logs: 'Logs',
  volume: 'Volume',
  patterns: 'Patterns',
  summary: 'Summary',
  related: 'Related',
  reconcile: 'Reconcile',
};

const nonEmpty = (value: string | undefined): string | undefined => (value && value.trim() ? value.trim() : undefined);

/** `name: value` for each set field, in the editor's order; empty fields are left out. */
function fieldTexts(query: UnifiedLogsQuery): Array<string | undefined> {
  const queryType = query.queryType ?? QueryType.Logs;
  const search = nonEmpty(query.search);
  const severities = (query.severities ?? []).filter((s) => s.trim() !== '');
  return [
    query.source && query.source !== 'all' ? `source: ${query.source}` : undefined,
    nonEmpty(query.bucket) && `bucket: ${query.bucket}`,
    nonEmpty(query.prefixes) && `prefix: ${query.prefixes}`,
    nonEmpty(query.collections) && `collection: ${query.collections}`,
    nonEmpty(query.namespace) && `namespace: ${query.namespace}`,
    nonEmpty(query.selector) && `selector: ${query.selector}`,
    nonEmpty(query.pods) && `pod: ${query.pods}`,
    nonEmpty(query.container) && `container: ${query.container}`,
    query.previous ? 'previous container' : undefined,
    severities.length > 0 ? `severity: ${severities.join(', ')}` : undefined,
    search && (query.regex ? `matches: ${search}` : `contains: "${search}"`),
    ...(query.labels ?? []).filter((f) => f.name.trim() !== '').map(formatLabelFilter),
    queryType === QueryType.Logs && query.limit !== undefined && query.limit !== ''
      ? `limit: ${query.limit}`
      : undefined,
    queryType === QueryType.Logs && query.direction === 'forward' ? 'oldest first' : undefined,
    nonEmpty(query.correlationValue) && `${nonEmpty(query.correlationKey) ?? 'order_id'}: ${query.correlationValue}`,
    queryType === QueryType.Logs && query.dedupe ? 'duplicates once' : undefined,
    nonEmpty(query.focus) && `focus: "${query.focus}"`,
    query.maxEntries !== undefined && query.maxEntries !== '' ? `max entries: ${query.maxEntries}` : undefined,
  ];
}

/**
 * What query history and the query library show for a query (Grafana's `getQueryDisplayText`):
 * the query type, then every filter that is set, in the editor's order.
 */
export function queryDisplayText(query: UnifiedLogsQuery): string {
  const type = TYPE_TEXT[query.queryType ?? QueryType.Logs] ?? TYPE_TEXT.logs;
  const fields = fieldTexts(query).filter((text): text is string => Boolean(text));
  return fields.length === 0 ? `${type}: everything` : `${type}: ${fields.join(', ')}`;
}

import { DataSourceJsonData } from '@grafana/data';
import { DataQuery } from '@grafana/schema';
import { LogsQueryModel, QueryTypeName } from '@gpt-runner-logs/contract';

/**
 * Names for the query types, as Grafana's editors and `switch`es like them. The mapped type
 * makes the object list every one of the contract's `QUERY_TYPES`, each under its own name,
 * so a type added there does not compile here until it is named.
 */
export const QueryType: { readonly [K in QueryTypeName as Capitalize<K>]: K } = {
  Logs: 'logs',
  Volume: 'volume',
  Patterns: 'patterns',
  Summary: 'summary',
  Related: 'related',
  Reconcile: 'reconcile',
};

/** One query as saved in a dashboard: Grafana's fields plus the contract's query model. */
export type UnifiedLogsQuery = DataQuery & LogsQueryModel;

export const DEFAULT_QUERY: Partial<UnifiedLogsQuery> = {
  queryType: QueryType.Logs,
  source: 'all',
  severities: [],
  labels: [],
};

/** Options of one data-source instance, stored in Grafana's jsonData. */
export interface UnifiedLogsOptions extends DataSourceJsonData {
  /** Where the Grafana server reaches the backend; used by the plugin.json route. */
  backendUrl?: string;
  /** Seconds; Grafana's data-source proxy reads `timeout` from jsonData for its HTTP client. */
  timeout?: number;
  /** The backend's `CORRELATION_FIELDS` when it is not the default (`order_id,trade_id:trd-,…`): fields linked to the Related view. */
  correlationFields?: string;
  /** Lines a logs query asks for when its own limit is left empty (Loki's "Maximum lines"). */
  maxLines?: number;
}

/** What a logs query asks for when neither it nor the data source says (Loki's default too). */
export const DEFAULT_MAX_LINES = 1000;

/**
 * Stored encrypted by Grafana and only ever used server-side by the plugin.json routes: the
 * read route sends the viewer token, the summary route (Editors and above) the analyst token,
 * so a Grafana Viewer can never spend the analyst's summaries.
 */
export interface UnifiedLogsSecureJsonData {
  viewerToken?: string;
  analystToken?: string;
}

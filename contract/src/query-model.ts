/**
 * The data-source query as dashboards save it: the plugin's editor writes it, provisioning
 * generates it, and the plugin turns it into the backend's parameters.
 */
import type { MetaScopeParamName } from './params.js';
import type { Direction, LabelOperator, MetaField, SourceName } from './vocabulary.js';

export const QUERY_TYPES = ['logs', 'volume', 'patterns', 'summary', 'related', 'reconcile'] as const;

export type QueryTypeName = (typeof QUERY_TYPES)[number];

/** `all` asks `/logs` for every source the token may read. */
export type SourceChoice = 'all' | SourceName;

export interface LabelFilter {
  name: string;
  op: LabelOperator;
  value: string;
}

/**
 * One query's own fields (Grafana adds `refId`, `datasource` and `hide`). Lists that may
 * hold template variables are kept as comma-separated strings, so `$var` survives until
 * interpolation.
 */
export interface LogsQueryModel {
  queryType?: QueryTypeName;
  source?: SourceChoice;
  severities?: string[];
  search?: string;
  regex?: boolean;
  labels?: LabelFilter[];
  /** A number, or a template variable such as `$limit`. */
  limit?: number | string;
  direction?: Direction;
  /**
   * Logs only: stream new entries as they arrive (`GET /logs/tail`) instead of reading a page;
   * a dashboard panel then stays live. Explore's Live button asks for the same.
   */
  live?: boolean;
  // GCS
  bucket?: string;
  prefixes?: string;
  // Firestore
  collections?: string;
  // Pods: namespace + selector, or pod(s) + container + previous
  namespace?: string;
  selector?: string;
  pods?: string;
  container?: string;
  previous?: boolean;
  // Patterns and summaries
  focus?: string;
  /** A number, or a template variable. */
  maxEntries?: number | string;
  /** Logs: show a record stored in both GCS and Firestore once. */
  dedupe?: boolean;
  // Related: the correlation key and its value (a template variable or a data link's value)
  correlationKey?: string;
  correlationValue?: string;
}

// A record over every key (no more, no fewer), so adding a field to the model without
// listing it here does not compile.
const LOGS_QUERY_MODEL_KEYS: Record<keyof LogsQueryModel, true> = {
  queryType: true,
  source: true,
  severities: true,
  search: true,
  regex: true,
  labels: true,
  limit: true,
  direction: true,
  live: true,
  bucket: true,
  prefixes: true,
  collections: true,
  namespace: true,
  selector: true,
  pods: true,
  container: true,
  previous: true,
  focus: true,
  maxEntries: true,
  dedupe: true,
  correlationKey: true,
  correlationValue: true,
};

/** The model's field names at run time, for checks of saved or generated queries. */
export const LOGS_QUERY_MODEL_FIELDS = Object.keys(
  LOGS_QUERY_MODEL_KEYS,
) as readonly (keyof LogsQueryModel)[];

/**
 * A template variable's query. `labelValues`: the values of `label` among the entries in
 * the dashboard's time range (e.g. `$symbol`); `labelNames`: label names; `meta`: a list the
 * backend keeps (`/meta/{field}`: namespaces, pods, prefixes, …). Label lists are narrowed by
 * `source` and `labels`, which may hold other variables (`strategy=$strategy`).
 */
export const VARIABLE_QUERY_TYPES = ['labelValues', 'labelNames', 'meta'] as const;

export type VariableQueryType = (typeof VARIABLE_QUERY_TYPES)[number];

export interface VariableQueryModel {
  type: VariableQueryType;
  label?: string;
  source?: SourceChoice;
  labels?: LabelFilter[];
  field?: MetaField;
  scope?: Partial<Record<MetaScopeParamName, string>>;
}

/**
 * The data-source query as dashboards save it: the plugin's editor writes it, provisioning
 * generates it, and the plugin turns it into the backend's parameters.
 */
import type { Direction, LabelOperator, SourceName } from './vocabulary.js';

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

import { MetricFindValue } from '@grafana/data';
import { DataQuery } from '@grafana/schema';

import {
  META_FIELDS,
  META_SCOPE_PARAM_NAMES,
  MetaField,
  MetaScopeParamName,
  VARIABLE_QUERY_TYPES,
  VariableQueryModel,
  VariableQueryType,
  isMetaField,
} from '@gpt-runner-logs/contract';

import { QueryParams, UnifiedLogsApi } from './api';
import { LabelScope, fetchLabelNames, fetchLabelValues } from './labels/client';

export interface VariableQuery {
  field: MetaField;
  params: QueryParams<MetaScopeParamName>;
}

const isScopeParam = (name: string): name is MetaScopeParamName =>
  (META_SCOPE_PARAM_NAMES as readonly string[]).includes(name);

/**
 * Variable queries are `<field>` followed by optional `name=value` pairs, for example
 * `containers namespace=$namespace pod=$pod` or `prefixes bucket=trading-logs`.
 */
export function parseVariableQuery(text: string): VariableQuery | undefined {
  const [head, ...rest] = text.trim().split(/\s+/);
  const field = head?.toLowerCase() ?? '';
  if (!isMetaField(field)) {
    return undefined;
  }
  const params: QueryParams<MetaScopeParamName> = [];
  for (const pair of rest) {
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    if (eq > 0 && value && isScopeParam(name)) {
      params.push([name, value]);
    }
  }
  return { field, params };
}

export const toMetricFindValues = (values: string[]): MetricFindValue[] =>
  values.map((text) => ({ text, value: text }));

export const VARIABLE_QUERY_HELP = `One of ${META_FIELDS.join(', ')}, optionally followed by ${META_SCOPE_PARAM_NAMES.map(
  (name) => `${name}=`
).join(', ')}`;

/** A template variable's query as this data source's variable editor saves it. */
export type UnifiedLogsVariableQuery = DataQuery & VariableQueryModel;

const LABEL_NAMES_TEXT = /^\s*label_names\(\s*\)\s*$/;
const LABEL_VALUES_TEXT = /^\s*label_values\(\s*([^()\s]+)\s*\)\s*$/;

/** Text queries: Loki's `label_names()` and `label_values(symbol)`, or `<field> name=value…`. */
function fromText(text: string, refId: string): UnifiedLogsVariableQuery | undefined {
  if (LABEL_NAMES_TEXT.test(text)) {
    return { refId, type: 'labelNames' };
  }
  const values = LABEL_VALUES_TEXT.exec(text);
  if (values) {
    return { refId, type: 'labelValues', label: values[1] };
  }
  const meta = parseVariableQuery(text);
  return meta && { refId, type: 'meta', field: meta.field, scope: Object.fromEntries(meta.params) };
}

/**
 * A variable query in any form a dashboard may hold: this editor's model, the text queries
 * saved before it (`pods namespace=trading`), or such text wrapped as `{ query }`.
 */
export function toVariableQuery(
  saved: string | Partial<UnifiedLogsVariableQuery> | { query?: unknown; refId?: string } | undefined,
  refId = 'UnifiedLogsVariableQuery'
): UnifiedLogsVariableQuery | undefined {
  if (typeof saved === 'string') {
    return fromText(saved, refId);
  }
  if (!saved || typeof saved !== 'object') {
    return undefined;
  }
  if ('type' in saved && VARIABLE_QUERY_TYPES.includes(saved.type as VariableQueryType)) {
    return { ...(saved as UnifiedLogsVariableQuery), refId: saved.refId ?? refId };
  }
  return 'query' in saved && typeof saved.query === 'string' ? fromText(saved.query, saved.refId ?? refId) : undefined;
}

/** A variable's scope values (`namespace=$ns`) as the backend's parameters, empty ones left out. */
const scopeParams = (scope: VariableQueryModel['scope']): QueryParams<MetaScopeParamName> =>
  Object.entries(scope ?? {})
    .filter(([name, value]) => isScopeParam(name) && value)
    .map(([name, value]) => [name as MetaScopeParamName, value as string]);

/**
 * The options of a variable, from whichever list its query names. The query's variables are
 * resolved already; `scope` carries the time range, source and label filters.
 */
export async function variableValues(
  api: UnifiedLogsApi,
  query: UnifiedLogsVariableQuery,
  scope: LabelScope
): Promise<MetricFindValue[]> {
  switch (query.type) {
    case 'labelNames':
      return toMetricFindValues(await fetchLabelNames(api, scope));
    case 'labelValues':
      return query.label
        ? toMetricFindValues((await fetchLabelValues(api, query.label, scope)).map((v) => v.value))
        : [];
    case 'meta':
      return query.field ? toMetricFindValues(await api.metaValues(query.field, scopeParams(query.scope))) : [];
    default:
      return [];
  }
}

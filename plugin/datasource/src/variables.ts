import { MetricFindValue } from '@grafana/data';

import {
  META_FIELDS,
  META_SCOPE_PARAM_NAMES,
  MetaField,
  MetaScopeParamName,
  isMetaField,
} from '@gpt-runner-logs/contract';

import { QueryParams } from './api';

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

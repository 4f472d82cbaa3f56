import { MetricFindValue } from '@grafana/data';

import { QueryParams } from './api';
import { META_FIELDS, MetaField } from './types';

export interface VariableQuery {
  field: MetaField;
  params: QueryParams;
}

const PARAM_NAMES = ['namespace', 'pod', 'bucket'] as const;

/**
 * Variable queries are `<field>` followed by optional `name=value` pairs, for example
 * `containers namespace=$namespace pod=$pod` or `prefixes bucket=trading-logs`.
 */
export function parseVariableQuery(text: string): VariableQuery | undefined {
  const [head, ...rest] = text.trim().split(/\s+/);
  const field = head?.toLowerCase() as MetaField | undefined;
  if (!field || !META_FIELDS.includes(field)) {
    return undefined;
  }
  const params: QueryParams = [];
  for (const pair of rest) {
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    if (eq > 0 && value && (PARAM_NAMES as readonly string[]).includes(name)) {
      params.push([name, value]);
    }
  }
  return { field, params };
}

export const toMetricFindValues = (values: string[]): MetricFindValue[] =>
  values.map((text) => ({ text, value: text }));

export const VARIABLE_QUERY_HELP = `One of ${META_FIELDS.join(', ')}, optionally followed by namespace=, pod= or bucket=`;

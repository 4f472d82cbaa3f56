import { AdHocVariableFilter } from '@grafana/data';

import { LabelFilter, LabelOperator, escapeRegex } from '@gpt-runner-logs/contract';

import { UnifiedLogsQuery } from '../types';

/** The operators the backend's label matchers have, as Grafana's ad hoc filters spell them. */
const SAME_OPERATORS: readonly string[] = ['=', '!=', '=~', '!~'] satisfies LabelOperator[];

/** Grafana's "one of" / "not one of" operators carry a list in `values`. */
const LIST_OPERATORS: Record<string, LabelOperator> = { '=|': '=~', '!=|': '!~' };

export const isSupportedAdHocOperator = (operator: string): boolean =>
  SAME_OPERATORS.includes(operator) || operator in LIST_OPERATORS;

export class UnsupportedAdHocFilterError extends Error {
  constructor(readonly filter: AdHocVariableFilter) {
    super(
      `The ad hoc filter "${filter.key} ${filter.operator} ${filter.value}" uses an operator Unified Logs cannot apply; use =, !=, =~, !~, one of or not one of`
    );
    this.name = 'UnsupportedAdHocFilterError';
  }
}

/**
 * One ad hoc filter as a label matcher. A list becomes an anchored alternation of escaped
 * values (`symbol=~AAPL|MSFT`), as Loki does, so a value with a dot matches only itself.
 * Incomplete filters (no key) are Grafana's half-typed rows and are skipped.
 */
export function adHocToLabelFilter(filter: AdHocVariableFilter): LabelFilter | undefined {
  if (!filter.key) {
    return undefined;
  }
  if (SAME_OPERATORS.includes(filter.operator)) {
    return { name: filter.key, op: filter.operator as LabelOperator, value: filter.value ?? '' };
  }
  const listOp = LIST_OPERATORS[filter.operator];
  if (listOp) {
    const values = filter.values?.length ? filter.values : [filter.value ?? ''];
    return { name: filter.key, op: listOp, value: values.map(escapeRegex).join('|') };
  }
  throw new UnsupportedAdHocFilterError(filter);
}

export function adHocToLabelFilters(filters: AdHocVariableFilter[] | undefined): LabelFilter[] {
  return (filters ?? []).map(adHocToLabelFilter).filter((f): f is LabelFilter => f !== undefined);
}

/**
 * The dashboard's ad hoc filters narrow every query of this data source, ANDed with the
 * query's own label filters (the backend's matchers are conjunctive).
 */
export function withAdHocFilters(
  query: UnifiedLogsQuery,
  filters: AdHocVariableFilter[] | undefined
): UnifiedLogsQuery {
  const extra = adHocToLabelFilters(filters);
  return extra.length === 0 ? query : { ...query, labels: [...(query.labels ?? []), ...extra] };
}

import { AdHocVariableFilter, TimeRange } from '@grafana/data';

import { adHocToLabelFilters, isSupportedAdHocOperator } from './adhoc';
import { LabelScope } from './client';

/**
 * The scope Grafana gives `getTagKeys`/`getTagValues`: its time range and the other ad hoc
 * filters, so a value list only offers what the other filters leave. The key being edited
 * is left out of its own narrowing (every other value of it stays on offer).
 */
export function adHocLabelScope(
  options: { timeRange?: TimeRange; filters?: AdHocVariableFilter[]; key?: string } | undefined
): LabelScope {
  // A filter the backend cannot apply narrows nothing here; the query itself reports it.
  const others = (options?.filters ?? []).filter(
    (filter) => filter.key !== options?.key && isSupportedAdHocOperator(filter.operator)
  );
  return { range: options?.timeRange, labels: adHocToLabelFilters(others) };
}

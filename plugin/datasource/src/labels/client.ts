import { TimeRange } from '@grafana/data';

import {
  LabelFilter,
  LabelNamesParamName,
  LabelNamesResponse,
  LabelValueCount,
  LabelValuesParamName,
  LabelValuesResponse,
} from '@gpt-runner-logs/contract';

import { QueryParams, UnifiedLogsApi } from '../api';
import { formatLabelFilter, sourcesOf } from '../querybuilder/params';
import { UnifiedLogsQuery } from '../types';

/** What narrows a list of label names or values: a time range, a source, other label filters. */
export interface LabelScope {
  range?: TimeRange;
  source?: UnifiedLogsQuery['source'];
  labels?: LabelFilter[];
}

function scopeParams(scope: LabelScope): QueryParams<LabelNamesParamName> {
  const params: QueryParams<LabelNamesParamName> = [];
  if (scope.range) {
    params.push(['from', String(scope.range.from.valueOf())], ['to', String(scope.range.to.valueOf())]);
  }
  const sources = sourcesOf({ refId: '', source: scope.source });
  if (sources.length > 0) {
    params.push(['source', sources.join(',')]);
  }
  for (const filter of scope.labels ?? []) {
    if (filter.name.trim() !== '') {
      params.push(['label', formatLabelFilter(filter)]);
    }
  }
  return params;
}

/** `GET /logs/labels`: names in the scope (the token's sources; the backend's default range when none is given). */
export async function fetchLabelNames(api: UnifiedLogsApi, scope: LabelScope = {}): Promise<string[]> {
  const response = await api.getOnce<LabelNamesResponse>('/logs/labels', scopeParams(scope));
  return Array.isArray(response?.names) ? response.names : [];
}

/** `GET /logs/labels/values`: one label's values in the scope, with how many entries carry each. */
export async function fetchLabelValues(
  api: UnifiedLogsApi,
  name: string,
  scope: LabelScope = {}
): Promise<LabelValueCount[]> {
  const params: QueryParams<LabelValuesParamName> = [['name', name], ...scopeParams(scope)];
  const response = await api.getOnce<LabelValuesResponse>('/logs/labels/values', params);
  return Array.isArray(response?.values) ? response.values : [];
}

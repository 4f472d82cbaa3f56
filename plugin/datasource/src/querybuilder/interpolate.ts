import { ScopedVars } from '@grafana/data';
import { TemplateSrv } from '@grafana/runtime';

import { LabelFilter } from '@gpt-runner-logs/contract';

import { UnifiedLogsQuery } from '../types';
import { interpolateEquality } from './multiValue';

/**
 * Which format each field's template variables take. Lists the backend reads as comma
 * lists use `csv`, so a multi-value `$pods` becomes `a,b`; regular expressions use
 * `regex`, so multi-values become `(a|b)`; single values use `raw` (no escaping).
 */
const CSV = 'csv';
const REGEX = 'regex';
const RAW = 'raw';

type Replace = (value: string | undefined, format: string) => string | undefined;

function replacer(templateSrv: TemplateSrv, scopedVars: ScopedVars): Replace {
  return (value, format) => (value === undefined ? undefined : templateSrv.replace(value, scopedVars, format));
}

/** `['$sev', 'ERROR']` with `$sev = [WARNING, INFO]` gives `['WARNING', 'INFO', 'ERROR']`. */
export function splitList(value: string | undefined): string[] {
  if (!value) {
    return [];
  }
  return value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

function interpolateLabel(
  filter: LabelFilter,
  replace: Replace,
  templateSrv: TemplateSrv,
  scopedVars: ScopedVars
): LabelFilter {
  const name = replace(filter.name, RAW) ?? filter.name;
  if (filter.op === '=~' || filter.op === '!~') {
    return { name, op: filter.op, value: replace(filter.value, REGEX) ?? filter.value };
  }
  return { name, ...interpolateEquality(filter.op, filter.value, templateSrv, scopedVars) };
}

function interpolateNumber(value: number | string | undefined, replace: Replace): number | undefined {
  if (value === undefined || value === '') {
    return undefined;
  }
  const parsed = Number(replace(String(value), RAW));
  return Number.isFinite(parsed) ? parsed : undefined;
}

/** Replaces template variables in every field of a query; nothing else changes. */
export function interpolateQuery(
  query: UnifiedLogsQuery,
  scopedVars: ScopedVars,
  templateSrv: TemplateSrv
): UnifiedLogsQuery {
  const replace = replacer(templateSrv, scopedVars);
  return {
    ...query,
    severities: (query.severities ?? []).flatMap((s) => splitList(replace(s, CSV))),
    search: replace(query.search, query.regex ? REGEX : RAW),
    labels: (query.labels ?? []).map((filter) => interpolateLabel(filter, replace, templateSrv, scopedVars)),
    limit: interpolateNumber(query.limit, replace),
    bucket: replace(query.bucket, RAW),
    prefixes: replace(query.prefixes, CSV),
    collections: replace(query.collections, CSV),
    namespace: replace(query.namespace, RAW),
    selector: replace(query.selector, CSV),
    pods: replace(query.pods, CSV),
    container: replace(query.container, RAW),
    focus: replace(query.focus, RAW),
    maxEntries: interpolateNumber(query.maxEntries, replace),
    correlationKey: replace(query.correlationKey, RAW),
    correlationValue: replace(query.correlationValue, RAW),
  };
}

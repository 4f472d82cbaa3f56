import { TimeRange } from '@grafana/data';
import { ComboboxOption } from '@grafana/ui';

import { LabelFilter, escapeRegex } from '@gpt-runner-logs/contract';

import type { EditorDataSource } from '../editorDataSource';
import { UnifiedLogsQuery } from '../types';
import { LabelScope, fetchLabelNames, fetchLabelValues } from './client';

/**
 * What the editor's label lists are narrowed by: the panel's time range, the query's source
 * and its other complete label filters, template variables resolved (a `$symbol` in another
 * filter narrows by its current value).
 */
export function editorScope(
  datasource: EditorDataSource,
  query: UnifiedLogsQuery,
  range: TimeRange | undefined,
  except?: number
): LabelScope {
  const labels = (query.labels ?? []).filter((filter, index) => index !== except && filter.name.trim() !== '');
  const resolved = datasource.applyTemplateVariables({ ...query, labels }, {});
  return { range, source: resolved.source, labels: resolved.labels };
}

/**
 * The filter the browser's selection stands for: one value is an equality, several an
 * anchored alternation of escaped values, so `BRK.B` matches only itself.
 */
export function selectionFilter(name: string, values: string[], negate = false): LabelFilter | undefined {
  if (!name || values.length === 0) {
    return undefined;
  }
  if (values.length === 1) {
    return { name, op: negate ? '!=' : '=', value: values[0] ?? '' };
  }
  return { name, op: negate ? '!~' : '=~', value: values.map(escapeRegex).join('|') };
}

const variableOptions = (datasource: EditorDataSource): Array<ComboboxOption<string>> =>
  datasource.variableNames().map((name) => ({ value: name, label: name, description: 'Template variable' }));

const matching = (inputValue: string) => (option: ComboboxOption<string>) =>
  option.value.toLowerCase().includes(inputValue.toLowerCase());

/** Label names for a row's name list; a failed request still leaves variables and free text. */
export function nameLoader(datasource: EditorDataSource, scope: () => LabelScope) {
  return async (inputValue: string): Promise<Array<ComboboxOption<string>>> => {
    const names = await fetchLabelNames(datasource.api, scope()).catch(() => []);
    const options = names.map((name) => ({ value: name, label: name }));
    return [...options, ...variableOptions(datasource)].filter(matching(inputValue));
  };
}

/** A label's values with their entry counts, for a row's value list. */
export function valueLoader(datasource: EditorDataSource, name: string, scope: () => LabelScope) {
  return async (inputValue: string): Promise<Array<ComboboxOption<string>>> => {
    const values = name.trim() ? await fetchLabelValues(datasource.api, name, scope()).catch(() => []) : [];
    const options = values.map(({ value, entries }) => ({
      value,
      label: value,
      description: `${entries} ${entries === 1 ? 'entry' : 'entries'}`,
    }));
    return [...options, ...variableOptions(datasource)].filter(matching(inputValue));
  };
}

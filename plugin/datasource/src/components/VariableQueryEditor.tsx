import React, { useMemo } from 'react';
import { QueryEditorProps } from '@grafana/data';
import { Combobox, InlineField, InlineFieldRow, RadioButtonGroup, Stack } from '@grafana/ui';

import { META_FIELDS, META_SCOPE_PARAM_NAMES, MetaField, VariableQueryType } from '@gpt-runner-logs/contract';

import type { EditorDataSource } from '../editorDataSource';
import { editorScope, nameLoader } from '../labels/suggest';
import { UnifiedLogsOptions, UnifiedLogsQuery } from '../types';
import { UnifiedLogsVariableQuery, toVariableQuery } from '../variables';
import { CommitInput } from './fields/CommitInput';
import { LabelFiltersField } from './fields/LabelFiltersField';
import { SourceField } from './fields/SourceField';
import { QueryFieldProps } from './fields/types';

type Props = QueryEditorProps<EditorDataSource, UnifiedLogsQuery, UnifiedLogsOptions, UnifiedLogsVariableQuery>;

const TYPES: Array<{ label: string; value: VariableQueryType; description: string }> = [
  { label: 'Label values', value: 'labelValues', description: "A label's values in the time range, e.g. symbol" },
  { label: 'Label names', value: 'labelNames', description: 'Label names in the time range' },
  { label: 'List', value: 'meta', description: 'Namespaces, pods, containers, buckets, prefixes or collections' },
];

const FIELD_OPTIONS = META_FIELDS.map((field) => ({ label: field, value: field }));

/**
 * A structured editor for template variables: `$symbol` from the values of `symbol` in the
 * dashboard's time range (narrowed by source and label filters, which may use other
 * variables), label names, or one of the backend's lists. Text queries saved before it
 * (`pods namespace=trading`, `label_values(symbol)`) open in their structured form.
 */
export function VariableQueryEditor({ datasource, query: saved, onChange, range }: Props) {
  const query = toVariableQuery(saved) ?? { refId: 'UnifiedLogsVariableQuery', type: 'labelValues' };
  const change = (patch: Partial<UnifiedLogsVariableQuery>) => onChange({ ...query, ...patch });

  // The source and label-filter fields of the query editor, over the variable's own fields.
  const fieldProps: QueryFieldProps = {
    datasource,
    range,
    query: { refId: query.refId, source: query.source, labels: query.labels },
    onCommit: ({ source, labels }) => change({ source: source ?? query.source, labels: labels ?? query.labels }),
    onEdit: ({ source, labels }) => change({ source: source ?? query.source, labels: labels ?? query.labels }),
  };
  const scopeKey = JSON.stringify([query.source, query.labels, range && [+range.from, +range.to]]);
  const names = useMemo(
    () => nameLoader(datasource, () => editorScope(datasource, fieldProps.query, range)),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [datasource, scopeKey]
  );

  return (
    <Stack direction="column" gap={0.5}>
      <InlineField label="Query type" labelWidth={14}>
        <RadioButtonGroup<VariableQueryType> options={TYPES} value={query.type} onChange={(type) => change({ type })} />
      </InlineField>
      {query.type === 'labelValues' && (
        <InlineField label="Label" labelWidth={14} htmlFor="variable-label" tooltip="Whose values become the options">
          <Combobox<string>
            id="variable-label"
            options={names}
            value={query.label || null}
            createCustomValue
            placeholder="symbol"
            width={24}
            onChange={(option) => change({ label: option?.value ?? '' })}
          />
        </InlineField>
      )}
      {query.type !== 'meta' && (
        <>
          <SourceField {...fieldProps} />
          <LabelFiltersField {...fieldProps} />
        </>
      )}
      {query.type === 'meta' && (
        <>
          <InlineField label="Which list" labelWidth={14} htmlFor="variable-field">
            <Combobox<MetaField>
              id="variable-field"
              options={FIELD_OPTIONS}
              value={query.field ?? null}
              width={24}
              onChange={(option) => change({ field: option.value })}
            />
          </InlineField>
          <InlineFieldRow>
            {META_SCOPE_PARAM_NAMES.map((name) => (
              <InlineField key={name} label={name} labelWidth={12} tooltip={`Narrows the list, e.g. $${name}`}>
                <CommitInput
                  id={`variable-scope-${name}`}
                  aria-label={`Scope ${name}`}
                  value={query.scope?.[name] ?? ''}
                  width={20}
                  onCommit={(value) => change({ scope: { ...query.scope, [name]: value.trim() || undefined } })}
                />
              </InlineField>
            ))}
          </InlineFieldRow>
        </>
      )}
    </Stack>
  );
}

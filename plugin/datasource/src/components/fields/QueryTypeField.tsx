import React from 'react';
import { InlineField, RadioButtonGroup } from '@grafana/ui';

import { QueryType } from '../../types';
import { QueryFieldProps } from './types';

const QUERY_TYPES = [
  { label: 'Logs', value: QueryType.Logs, description: 'Log lines, newest first' },
  { label: 'Volume', value: QueryType.Volume, description: 'Line counts per severity over time' },
  { label: 'Patterns', value: QueryType.Patterns, description: 'Recurring message templates' },
  { label: 'Summary', value: QueryType.Summary, description: 'GPT summary of the matching lines' },
];

export function QueryTypeField({ query, onCommit }: QueryFieldProps) {
  return (
    <InlineField label="Query type" labelWidth={14}>
      <RadioButtonGroup<QueryType>
        options={QUERY_TYPES}
        value={query.queryType ?? QueryType.Logs}
        onChange={(queryType) => onCommit({ queryType })}
        size="sm"
      />
    </InlineField>
  );
}

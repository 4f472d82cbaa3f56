import React from 'react';
import { InlineField, RadioButtonGroup } from '@grafana/ui';
import { QUERY_TYPES, QueryTypeName } from '@gpt-runner-logs/contract';

import { QueryType } from '../../types';
import { QueryFieldProps } from './types';

/** A record over every query type, so a type added to the contract needs its words here to compile. */
const QUERY_TYPE_TEXT: Record<QueryTypeName, { label: string; description: string }> = {
  logs: { label: 'Logs', description: 'Log lines, newest first' },
  volume: { label: 'Volume', description: 'Line counts per severity over time' },
  patterns: { label: 'Patterns', description: 'Recurring message templates' },
  summary: { label: 'Summary', description: 'GPT summary of the matching lines' },
  related: {
    label: 'Related',
    description: 'Every line of every source that carries one order id (or another correlation key)',
  },
  reconcile: {
    label: 'Reconcile',
    description: 'Trades archived in GCS against Firestore: missing and differing records',
  },
};

const OPTIONS = QUERY_TYPES.map((value) => ({ value, ...QUERY_TYPE_TEXT[value] }));

/**
 * Choosing a type runs it, except Summary: a summary costs tokens and is shaped by its Focus,
 * so it runs when the Focus is entered or Summarize is pressed, not on the click that picks it.
 */
export function QueryTypeField({ query, onCommit, onEdit }: QueryFieldProps) {
  return (
    <InlineField label="Query type" labelWidth={14}>
      <RadioButtonGroup<QueryTypeName>
        options={OPTIONS}
        value={query.queryType ?? QueryType.Logs}
        onChange={(queryType) => (queryType === QueryType.Summary ? onEdit : onCommit)({ queryType })}
        size="sm"
      />
    </InlineField>
  );
}

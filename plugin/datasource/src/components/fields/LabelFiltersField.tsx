import React from 'react';
import { Button, Combobox, InlineField, InlineFieldRow, Stack } from '@grafana/ui';

import { LABEL_OPERATORS, LabelFilter, LabelOperator } from '@gpt-runner-logs/contract';
import { CommitInput } from './CommitInput';
import { QueryFieldProps } from './types';

const OPERATOR_OPTIONS = LABEL_OPERATORS.map((op) => ({ label: op, value: op }));

interface RowProps {
  refId: string;
  index: number;
  filter: LabelFilter;
  onChange: (filter: LabelFilter) => void;
  onRemove: () => void;
}

function LabelFilterRow({ refId, index, filter, onChange, onRemove }: RowProps) {
  const id = `${refId}-label-${index}`;
  return (
    <InlineFieldRow>
      <InlineField label={index === 0 ? 'Labels' : ''} labelWidth={14}>
        <CommitInput
          id={`${id}-name`}
          aria-label={`Label ${index + 1} name`}
          value={filter.name}
          placeholder="symbol"
          width={20}
          onCommit={(name) => onChange({ ...filter, name: name.trim() })}
        />
      </InlineField>
      <Combobox<LabelOperator>
        id={`${id}-op`}
        aria-labelledby={`${id}-name`}
        options={OPERATOR_OPTIONS}
        value={filter.op}
        width={8}
        onChange={(option) => onChange({ ...filter, op: option.value })}
      />
      <CommitInput
        id={`${id}-value`}
        aria-label={`Label ${index + 1} value`}
        value={filter.value}
        placeholder="BTCUSDT"
        width={24}
        onCommit={(value) => onChange({ ...filter, value })}
      />
      <Button
        variant="secondary"
        fill="text"
        icon="times"
        aria-label={`Remove label filter ${index + 1}`}
        onClick={onRemove}
      />
    </InlineFieldRow>
  );
}

/** Rows of `name op value`. A row without a name is kept in the editor but not sent. */
export function LabelFiltersField({ query, onCommit, onEdit }: QueryFieldProps) {
  const labels = query.labels ?? [];
  const replace = (index: number, filter: LabelFilter) =>
    onCommit({ labels: labels.map((current, i) => (i === index ? filter : current)) });
  const remove = (index: number) => onCommit({ labels: labels.filter((_, i) => i !== index) });
  const add = () => onEdit({ labels: [...labels, { name: '', op: '=', value: '' }] });

  return (
    <Stack direction="column" gap={0}>
      {labels.map((filter, index) => (
        <LabelFilterRow
          key={index}
          refId={query.refId}
          index={index}
          filter={filter}
          onChange={(next) => replace(index, next)}
          onRemove={() => remove(index)}
        />
      ))}
      <InlineFieldRow>
        <InlineField label={labels.length === 0 ? 'Labels' : ''} labelWidth={14}>
          <Button variant="secondary" size="sm" icon="plus" onClick={add}>
            Add label filter
          </Button>
        </InlineField>
      </InlineFieldRow>
    </Stack>
  );
}

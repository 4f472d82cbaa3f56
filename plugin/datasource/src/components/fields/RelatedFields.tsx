import React from 'react';
import { Combobox, InlineField, InlineFieldRow } from '@grafana/ui';

import { CommitInput } from './CommitInput';
import { QueryFieldProps } from './types';

/** The Related view: which correlation key, and its value (typed, a `$variable`, or filled in by a data link). */
export function RelatedFields({ datasource, query, onCommit }: QueryFieldProps) {
  const id = (name: string) => `${query.refId}-${name}`;
  const options = datasource.correlationFields.map((field) => ({ value: field.name, label: field.name }));
  return (
    <InlineFieldRow>
      <InlineField label="Key" labelWidth={14} htmlFor={id('correlation-key')}>
        <Combobox<string>
          id={id('correlation-key')}
          options={options}
          value={query.correlationKey ?? 'order_id'}
          width={20}
          onChange={(option) => onCommit({ correlationKey: option?.value || undefined })}
        />
      </InlineField>
      <InlineField label="Value" labelWidth={8} grow tooltip="An id such as ord-3f9a…, or a template variable">
        <CommitInput
          id={id('correlation-value')}
          aria-label="Correlation value"
          value={query.correlationValue ?? ''}
          placeholder="ord-…"
          onCommit={(value) => onCommit({ correlationValue: value.trim() || undefined })}
        />
      </InlineField>
    </InlineFieldRow>
  );
}

import React from 'react';
import { InlineField, InlineFieldRow } from '@grafana/ui';

import { CommitInput } from './CommitInput';
import { parseLimit } from './LimitField';
import { QueryFieldProps } from './types';

/** Summaries cost tokens, so what they read is bounded and can be focused. */
export function SummaryFields({ query, onCommit }: QueryFieldProps) {
  return (
    <InlineFieldRow>
      <InlineField label="Focus" labelWidth={14} grow tooltip="What the summary should pay attention to">
        <CommitInput
          id={`${query.refId}-focus`}
          aria-label="Summary focus"
          value={query.focus ?? ''}
          placeholder="failed orders and their causes"
          onCommit={(value) => onCommit({ focus: value.trim() || undefined })}
        />
      </InlineField>
      <InlineField label="Max entries" labelWidth={12} tooltip="Lines the summary reads at most">
        <CommitInput
          id={`${query.refId}-max-entries`}
          aria-label="Maximum entries"
          value={query.maxEntries === undefined ? '' : String(query.maxEntries)}
          placeholder="500"
          width={10}
          onCommit={(text) => onCommit({ maxEntries: parseLimit(text) })}
        />
      </InlineField>
    </InlineFieldRow>
  );
}

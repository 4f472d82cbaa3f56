import React from 'react';
import { Button, InlineField } from '@grafana/ui';

import { CommitInput } from './CommitInput';
import { QueryFieldProps } from './types';

/**
 * Summaries cost tokens, so they can be focused on what matters to the reader, and run only
 * when asked: on Enter or leaving the Focus, or with Summarize.
 */
export function SummaryFields({ query, onCommit }: QueryFieldProps) {
  return (
    <>
      <InlineField label="Focus" labelWidth={14} grow tooltip="What the summary should pay attention to">
        <CommitInput
          id={`${query.refId}-focus`}
          aria-label="Summary focus"
          value={query.focus ?? ''}
          placeholder="failed orders and their causes"
          onCommit={(value) => onCommit({ focus: value.trim() || undefined })}
        />
      </InlineField>
      <Button size="sm" variant="secondary" icon="ai" onClick={() => onCommit({})}>
        Summarize
      </Button>
    </>
  );
}

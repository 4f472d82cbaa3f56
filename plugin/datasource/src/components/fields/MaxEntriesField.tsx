import React from 'react';
import { InlineField } from '@grafana/ui';
import { DEFAULT_MAX_ENTRIES, MAX_MAX_ENTRIES } from '@gpt-runner-logs/contract';

import { CommitInput } from './CommitInput';
import { parseLimit } from './LimitField';
import { QueryFieldProps } from './types';

/**
 * Patterns and summaries read the newest matching lines up to this bound. Empty leaves it to
 * the backend's default, which the placeholder shows.
 */
export function MaxEntriesField({ query, onCommit }: QueryFieldProps) {
  return (
    <InlineField
      label="Max entries"
      labelWidth={12}
      tooltip={`Newest matching lines read at most, 1–${MAX_MAX_ENTRIES.toLocaleString('en-US')}`}
    >
      <CommitInput
        id={`${query.refId}-max-entries`}
        aria-label="Maximum entries"
        value={query.maxEntries === undefined ? '' : String(query.maxEntries)}
        placeholder={DEFAULT_MAX_ENTRIES.toLocaleString('en-US')}
        width={10}
        onCommit={(text) => onCommit({ maxEntries: parseLimit(text) })}
      />
    </InlineField>
  );
}

import React from 'react';
import { InlineField, InlineFieldRow, InlineSwitch } from '@grafana/ui';

import { CommitInput } from './CommitInput';
import { QueryFieldProps } from './types';

export function SearchField({ query, onCommit }: QueryFieldProps) {
  return (
    <InlineFieldRow>
      <InlineField label="Search" labelWidth={14} grow tooltip="Substring of the message, or an RE2 regular expression">
        <CommitInput
          id={`${query.refId}-search`}
          aria-label="Search text"
          value={query.search ?? ''}
          placeholder={query.regex ? 'order (filled|rejected)' : 'text in the message'}
          onCommit={(value) => onCommit({ search: value || undefined })}
        />
      </InlineField>
      <InlineField label="Regex" labelWidth={8}>
        <InlineSwitch
          id={`${query.refId}-regex`}
          aria-label="Search is a regular expression"
          value={Boolean(query.regex)}
          onChange={(event) => onCommit({ regex: event.currentTarget.checked || undefined })}
        />
      </InlineField>
    </InlineFieldRow>
  );
}

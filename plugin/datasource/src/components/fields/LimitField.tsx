import React from 'react';
import { InlineField } from '@grafana/ui';

import { MAX_LIMIT } from '@gpt-runner-logs/contract';
import { CommitInput } from './CommitInput';
import { QueryFieldProps } from './types';

/** A number, or a template variable such as `$limit`, kept as typed. */
export function parseLimit(text: string): number | string | undefined {
  const trimmed = text.trim();
  if (trimmed === '') {
    return undefined;
  }
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : trimmed;
}

/** Left empty, the data source's "Maximum lines" setting applies, which the placeholder shows. */
export function LimitField({ datasource, query, onCommit }: QueryFieldProps) {
  return (
    <InlineField
      label="Limit"
      labelWidth={8}
      tooltip={`Lines per query, 1–${MAX_LIMIT}; empty: the data source's maximum lines`}
    >
      <CommitInput
        id={`${query.refId}-limit`}
        aria-label="Line limit"
        value={query.limit === undefined ? '' : String(query.limit)}
        placeholder={String(datasource.maxLines)}
        width={10}
        onCommit={(text) => onCommit({ limit: parseLimit(text) })}
      />
    </InlineField>
  );
}

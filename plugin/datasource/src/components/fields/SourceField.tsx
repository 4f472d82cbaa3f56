import React from 'react';
import { InlineField, RadioButtonGroup } from '@grafana/ui';
import { SOURCE_NAMES, SourceChoice, SourceName } from '@gpt-runner-logs/contract';

import { QueryFieldProps } from './types';

interface Described {
  label: string;
  description: string;
}

/** A record over every source, so a source added to the contract needs its words here to compile. */
const SOURCE_TEXT: Record<SourceName, Described> = {
  gcs: { label: 'GCS', description: 'JSON objects in Cloud Storage' },
  firestore: { label: 'Firestore', description: 'Firestore collections' },
  pods: { label: 'Pods', description: 'GKE pod logs' },
};

const SOURCES: Array<Described & { value: SourceChoice }> = [
  { label: 'All', value: 'all', description: 'Every source the token may read' },
  ...SOURCE_NAMES.map((value) => ({ value, ...SOURCE_TEXT[value] })),
];

export function SourceField({ query, onCommit }: QueryFieldProps) {
  return (
    <InlineField label="Source" labelWidth={14}>
      <RadioButtonGroup<SourceChoice>
        options={SOURCES}
        value={query.source ?? 'all'}
        onChange={(source) => onCommit({ source })}
        size="sm"
      />
    </InlineField>
  );
}

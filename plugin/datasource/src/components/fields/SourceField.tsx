import React from 'react';
import { InlineField, RadioButtonGroup } from '@grafana/ui';

import { SourceChoice } from '../../types';
import { QueryFieldProps } from './types';

const SOURCES: Array<{ label: string; value: SourceChoice; description: string }> = [
  { label: 'All', value: 'all', description: 'Every source the token may read' },
  { label: 'GCS', value: 'gcs', description: 'JSON objects in Cloud Storage' },
  { label: 'Firestore', value: 'firestore', description: 'Firestore collections' },
  { label: 'Pods', value: 'pods', description: 'GKE pod logs' },
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

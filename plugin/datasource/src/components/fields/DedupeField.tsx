import React from 'react';
import { InlineField, InlineSwitch } from '@grafana/ui';

import { QueryFieldProps } from './types';

/** A record stored in both GCS and Firestore shown once, its labels naming both origins. */
export function DedupeField({ query, onCommit }: QueryFieldProps) {
  return (
    <InlineField label="Dedupe" labelWidth={10} tooltip="Show a trade or reflection stored in GCS and Firestore once">
      <InlineSwitch
        id={`${query.refId}-dedupe`}
        aria-label="Show records stored twice once"
        value={Boolean(query.dedupe)}
        onChange={(event) => onCommit({ dedupe: event.currentTarget.checked || undefined })}
      />
    </InlineField>
  );
}

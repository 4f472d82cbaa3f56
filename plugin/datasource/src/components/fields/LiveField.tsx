import React from 'react';
import { InlineField, InlineSwitch } from '@grafana/ui';

import { QueryFieldProps } from './types';

/**
 * A dashboard panel that stays live: new lines stream in (`/logs/tail`) instead of the panel
 * reading a page per refresh. In Explore, the Live button does the same without it.
 */
export function LiveField({ query, onCommit }: QueryFieldProps) {
  return (
    <InlineField
      label="Live"
      labelWidth={8}
      tooltip="Stream new lines as they arrive, keeping the newest up to the limit"
    >
      <InlineSwitch
        id={`${query.refId}-live`}
        aria-label="Live"
        value={query.live === true}
        onChange={(event) => onCommit({ live: event.currentTarget.checked || undefined })}
      />
    </InlineField>
  );
}

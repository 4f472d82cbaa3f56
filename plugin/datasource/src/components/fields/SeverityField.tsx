import React, { useMemo } from 'react';
import { InlineField, MultiCombobox } from '@grafana/ui';

import { SEVERITIES } from '@gpt-runner-logs/contract';
import { staticOptions } from './suggestions';
import { QueryFieldProps } from './types';

export function SeverityField({ datasource, query, onCommit }: QueryFieldProps) {
  const options = useMemo(() => staticOptions(datasource, SEVERITIES), [datasource]);
  return (
    <InlineField label="Severity" labelWidth={14} htmlFor={`${query.refId}-severity`} tooltip="Empty: every severity">
      <MultiCombobox<string>
        id={`${query.refId}-severity`}
        options={options}
        value={query.severities ?? []}
        placeholder="any severity"
        width="auto"
        minWidth={40}
        maxWidth={80}
        onChange={(selected) => onCommit({ severities: selected.map((o) => o.value) })}
      />
    </InlineField>
  );
}

import React, { useMemo } from 'react';
import { InlineField, InlineFieldRow, MultiCombobox } from '@grafana/ui';

import { splitList } from '../../querybuilder/interpolate';
import { metaLoader } from './suggestions';
import { QueryFieldProps } from './types';

export function FirestoreFields({ datasource, query, onCommit }: QueryFieldProps) {
  const options = useMemo(() => metaLoader(datasource, 'collections'), [datasource]);
  return (
    <InlineFieldRow>
      <InlineField label="Collections" labelWidth={14} htmlFor={`${query.refId}-collections`}>
        <MultiCombobox<string>
          id={`${query.refId}-collections`}
          options={options}
          value={splitList(query.collections)}
          createCustomValue
          placeholder="all collections"
          width="auto"
          minWidth={30}
          onChange={(selected) => onCommit({ collections: selected.map((o) => o.value).join(',') || undefined })}
        />
      </InlineField>
    </InlineFieldRow>
  );
}

import React, { useMemo } from 'react';
import { Combobox, InlineField, InlineFieldRow, MultiCombobox } from '@grafana/ui';

import { splitList } from '../../querybuilder/interpolate';
import { metaLoader } from './suggestions';
import { QueryFieldProps } from './types';

export function GcsFields(props: QueryFieldProps) {
  const { datasource, query, onCommit } = props;
  const bucketOptions = useMemo(() => metaLoader(datasource, 'buckets'), [datasource]);
  const bucket = query.bucket;
  const prefixOptions = useMemo(() => metaLoader(datasource, 'prefixes', () => ({ bucket })), [datasource, bucket]);

  return (
    <InlineFieldRow>
      <InlineField
        label="Bucket"
        labelWidth={14}
        htmlFor={`${query.refId}-bucket`}
        tooltip="Empty: the backend's bucket"
      >
        <Combobox<string>
          id={`${query.refId}-bucket`}
          options={bucketOptions}
          value={query.bucket ?? null}
          createCustomValue
          isClearable
          placeholder="default bucket"
          width={30}
          onChange={(option) => onCommit({ bucket: option?.value || undefined })}
        />
      </InlineField>
      <InlineField label="Prefixes" labelWidth={12} htmlFor={`${query.refId}-prefixes`}>
        <MultiCombobox<string>
          id={`${query.refId}-prefixes`}
          options={prefixOptions}
          value={splitList(query.prefixes)}
          createCustomValue
          placeholder="trades/, reflections/ …"
          width="auto"
          minWidth={30}
          onChange={(options) => onCommit({ prefixes: options.map((o) => o.value).join(',') || undefined })}
        />
      </InlineField>
    </InlineFieldRow>
  );
}

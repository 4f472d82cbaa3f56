import React from 'react';
import { QueryEditorProps } from '@grafana/data';
import { InlineFieldRow, Stack } from '@grafana/ui';
import { QueryTypeName } from '@gpt-runner-logs/contract';

import { DataSource } from '../datasource';
import { QueryType, UnifiedLogsOptions, UnifiedLogsQuery } from '../types';
import { DedupeField } from './fields/DedupeField';
import { FirestoreFields } from './fields/FirestoreFields';
import { GcsFields } from './fields/GcsFields';
import { LabelFiltersField } from './fields/LabelFiltersField';
import { LimitField } from './fields/LimitField';
import { MaxEntriesField } from './fields/MaxEntriesField';
import { PodsFields } from './fields/PodsFields';
import { QueryTypeField } from './fields/QueryTypeField';
import { RelatedFields } from './fields/RelatedFields';
import { SearchField } from './fields/SearchField';
import { SeverityField } from './fields/SeverityField';
import { SourceField } from './fields/SourceField';
import { SummaryFields } from './fields/SummaryFields';
import { QueryFieldProps } from './fields/types';

type Props = QueryEditorProps<DataSource, UnifiedLogsQuery, UnifiedLogsOptions>;

function SourceSpecificFields(props: QueryFieldProps) {
  switch (props.query.source) {
    case 'gcs':
      return <GcsFields {...props} />;
    case 'firestore':
      return <FirestoreFields {...props} />;
    case 'pods':
      return <PodsFields {...props} />;
    default:
      return null;
  }
}

/** Patterns and summaries read the matching lines across pages, up to `maxEntries`. */
const readsAcrossPages = (queryType: QueryTypeName): boolean =>
  queryType === QueryType.Patterns || queryType === QueryType.Summary;

/**
 * A builder, not a query language: every field is a control, and the query runs when an
 * edit is finished (a choice made, or Enter / leaving a text field).
 */
export function QueryEditor({ datasource, query, onChange, onRunQuery, range }: Props) {
  const queryType = query.queryType ?? QueryType.Logs;
  const fieldProps: QueryFieldProps = {
    datasource,
    query,
    range,
    onEdit: (patch) => onChange({ ...query, ...patch }),
    onCommit: (patch) => {
      onChange({ ...query, ...patch });
      onRunQuery();
    },
  };

  if (queryType === QueryType.Related || queryType === QueryType.Reconcile) {
    // Both read every source they need themselves: no source, severity or text filters apply.
    return (
      <Stack direction="column" gap={0.5}>
        <QueryTypeField {...fieldProps} />
        {queryType === QueryType.Related && <RelatedFields {...fieldProps} />}
      </Stack>
    );
  }

  return (
    <Stack direction="column" gap={0.5}>
      <QueryTypeField {...fieldProps} />
      <SourceField {...fieldProps} />
      <SourceSpecificFields {...fieldProps} />
      <InlineFieldRow>
        <SeverityField {...fieldProps} />
        {queryType === QueryType.Logs && <LimitField {...fieldProps} />}
        {queryType === QueryType.Logs && <DedupeField {...fieldProps} />}
      </InlineFieldRow>
      <SearchField {...fieldProps} />
      <LabelFiltersField {...fieldProps} />
      {readsAcrossPages(queryType) && (
        <InlineFieldRow>
          {queryType === QueryType.Summary && <SummaryFields {...fieldProps} />}
          <MaxEntriesField {...fieldProps} />
        </InlineFieldRow>
      )}
    </Stack>
  );
}

import React, { useEffect, useRef } from 'react';
import { CoreApp, LogSortOrderChangeEvent, QueryEditorProps } from '@grafana/data';
import { getAppEvents } from '@grafana/runtime';
import { InlineFieldRow, Stack } from '@grafana/ui';
import { QueryTypeName } from '@gpt-runner-logs/contract';

import type { EditorDataSource } from '../editorDataSource';
import { defaultDirection, directionOf } from '../querybuilder/sortOrder';
import { QueryType, UnifiedLogsOptions, UnifiedLogsQuery } from '../types';
import { DedupeField } from './fields/DedupeField';
import { DirectionField } from './fields/DirectionField';
import { FirestoreFields } from './fields/FirestoreFields';
import { GcsFields } from './fields/GcsFields';
import { LabelFiltersField } from './fields/LabelFiltersField';
import { LimitField } from './fields/LimitField';
import { LiveField } from './fields/LiveField';
import { MaxEntriesField } from './fields/MaxEntriesField';
import { PodsFields } from './fields/PodsFields';
import { QueryTypeField } from './fields/QueryTypeField';
import { RelatedFields } from './fields/RelatedFields';
import { SearchField } from './fields/SearchField';
import { SeverityField } from './fields/SeverityField';
import { SourceField } from './fields/SourceField';
import { SummaryFields } from './fields/SummaryFields';
import { QueryFieldProps } from './fields/types';

type Props = QueryEditorProps<EditorDataSource, UnifiedLogsQuery, UnifiedLogsOptions>;

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

/** Where Grafana shows logs with a sort order of its own: there the direction follows it. */
const FOLLOWS_SORT_ORDER = new Set<CoreApp | undefined>([CoreApp.Explore, CoreApp.Dashboard, CoreApp.PanelEditor]);

/**
 * The direction follows the logs view's sort order, as Loki's editor does: a new query starts
 * from the end the view shows first, and "oldest first" in the view re-reads the oldest lines
 * of the range (sorting the newest page again would show the wrong lines).
 */
function useSortOrderDirection(app: CoreApp | undefined, fields: QueryFieldProps) {
  const { query } = fields;
  const follows = FOLLOWS_SORT_ORDER.has(app) && (query.queryType ?? QueryType.Logs) === QueryType.Logs;
  // The callbacks change with every render; the effects only care about the latest ones
  // (updated first, as effects run in the order they are declared).
  const latest = useRef(fields);
  useEffect(() => {
    latest.current = fields;
  });
  useEffect(() => {
    if (follows && !query.direction) {
      latest.current.onEdit({ direction: defaultDirection(app) });
    }
  }, [follows, app, query.direction]);
  useEffect(() => {
    if (!follows) {
      return undefined;
    }
    const subscription = getAppEvents().subscribe(LogSortOrderChangeEvent, (event) => {
      const direction = directionOf(event.payload.order);
      if (direction !== (latest.current.query.direction ?? 'backward')) {
        latest.current.onCommit({ direction });
      }
    });
    return () => subscription.unsubscribe();
  }, [follows]);
}

/**
 * A builder, not a query language: every field is a control, and the query runs when an
 * edit is finished (a choice made, or Enter / leaving a text field).
 */
export function QueryEditor({ datasource, query, onChange, onRunQuery, app, range }: Props) {
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
  useSortOrderDirection(app, fieldProps);

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
        {queryType === QueryType.Logs && <DirectionField {...fieldProps} />}
        {queryType === QueryType.Logs && <DedupeField {...fieldProps} />}
        {queryType === QueryType.Logs && <LiveField {...fieldProps} />}
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

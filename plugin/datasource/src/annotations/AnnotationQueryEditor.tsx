import React from 'react';
import { AnnotationQuery, QueryEditorProps } from '@grafana/data';
import { InlineField, InlineFieldRow, Stack } from '@grafana/ui';

import { QueryEditor } from '../components/QueryEditor';
import { CommitInput } from '../components/fields/CommitInput';
import type { EditorDataSource } from '../editorDataSource';
import { UnifiedLogsQuery } from '../types';
import { DEFAULT_GROUP_WITHIN_SECONDS, UnifiedLogsAnnotation } from './events';

type Props = QueryEditorProps<EditorDataSource, UnifiedLogsQuery> & {
  annotation?: AnnotationQuery<UnifiedLogsQuery>;
  onAnnotationChange?: (annotation: AnnotationQuery<UnifiedLogsQuery>) => void;
};

/** The logs query editor, plus how its lines are drawn: grouped into regions, and which labels tag them. */
export function AnnotationQueryEditor(props: Props) {
  const annotation = props.annotation as UnifiedLogsAnnotation | undefined;
  const change = (patch: Partial<UnifiedLogsAnnotation>) =>
    annotation && props.onAnnotationChange?.({ ...annotation, ...patch });
  return (
    <Stack direction="column" gap={0.5}>
      <QueryEditor {...props} />
      <InlineFieldRow>
        <InlineField
          label="Group within"
          labelWidth={14}
          tooltip="Lines at most this many seconds apart become one region; 0 draws a marker per line"
        >
          <CommitInput
            id="annotation-group-within"
            aria-label="Group within seconds"
            type="number"
            value={String(annotation?.groupWithinSeconds ?? DEFAULT_GROUP_WITHIN_SECONDS)}
            width={10}
            onCommit={(value) => change({ groupWithinSeconds: Math.max(0, Number(value) || 0) })}
          />
        </InlineField>
        <InlineField label="Tag labels" labelWidth={12} tooltip="Labels whose values become tags, e.g. symbol,pod">
          <CommitInput
            id="annotation-tag-labels"
            aria-label="Tag labels"
            value={annotation?.tagLabels ?? ''}
            placeholder="symbol,pod"
            width={24}
            onCommit={(tagLabels) => change({ tagLabels })}
          />
        </InlineField>
      </InlineFieldRow>
    </Stack>
  );
}

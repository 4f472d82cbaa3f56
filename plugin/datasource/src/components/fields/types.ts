import { TimeRange } from '@grafana/data';

import type { EditorDataSource } from '../../editorDataSource';
import { UnifiedLogsQuery } from '../../types';

/** What every field of the query editor gets. */
export interface QueryFieldProps {
  datasource: EditorDataSource;
  query: UnifiedLogsQuery;
  /** Store a change and run the query (a finished edit). */
  onCommit: (patch: Partial<UnifiedLogsQuery>) => void;
  /** Store a change without running (an edit that is not complete yet). */
  onEdit: (patch: Partial<UnifiedLogsQuery>) => void;
  /** The panel's or Explore's time range, which label suggestions are narrowed to. */
  range?: TimeRange;
}

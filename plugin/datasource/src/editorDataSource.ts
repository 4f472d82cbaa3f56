import { DataSourceApi, ScopedVars } from '@grafana/data';

import { CorrelationField, MetaField, MetaScopeParamName } from '@gpt-runner-logs/contract';

import { UnifiedLogsApi } from './api';
import { UnifiedLogsOptions, UnifiedLogsQuery } from './types';

/**
 * What the editors, the label browser and variable support use of the data source. They are
 * given the data source at run time; naming this instead of the class keeps the class's own
 * imports (the annotation editor, variable support) from depending back on it.
 */
export interface EditorDataSource extends DataSourceApi<UnifiedLogsQuery, UnifiedLogsOptions> {
  readonly api: UnifiedLogsApi;
  /** Fields whose values link to the Related view (the backend's CORRELATION_FIELDS). */
  readonly correlationFields: CorrelationField[];
  /** Lines a logs query asks for when its own limit is empty (the "Maximum lines" setting). */
  readonly maxLines: number;
  applyTemplateVariables(query: UnifiedLogsQuery, scopedVars: ScopedVars): UnifiedLogsQuery;
  /** Suggestions for the query editor; template variables in the scope are resolved first. */
  suggest(field: MetaField, params?: Partial<Record<MetaScopeParamName, string>>): Promise<string[]>;
  /** `$name` of every dashboard variable, offered in the editor's pickers. */
  variableNames(): string[];
}

import { CustomVariableSupport, DataQueryRequest, LegacyMetricFindQueryOptions, MetricFindValue } from '@grafana/data';
import { Observable, from, map } from 'rxjs';

import { VariableQueryEditor } from './components/VariableQueryEditor';
import type { EditorDataSource } from './editorDataSource';
import { UnifiedLogsVariableQuery } from './variables';

/** The data source's `metricFindQuery`, which answers a variable query. */
export type FindValues = (
  query: UnifiedLogsVariableQuery,
  options: LegacyMetricFindQueryOptions
) => Promise<MetricFindValue[]>;

/** Template variables with their own editor: label values, label names, or a backend list. */
export class UnifiedLogsVariableSupport extends CustomVariableSupport<EditorDataSource, UnifiedLogsVariableQuery> {
  editor = VariableQueryEditor;

  constructor(private readonly findValues: FindValues) {
    super();
  }

  query(request: DataQueryRequest<UnifiedLogsVariableQuery>): Observable<{ data: MetricFindValue[] }> {
    const values = this.findValues(request.targets[0]!, {
      scopedVars: request.scopedVars,
      range: request.range,
    });
    return from(values).pipe(map((data) => ({ data })));
  }
}

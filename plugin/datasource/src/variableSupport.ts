import { CustomVariableSupport, DataQueryRequest, MetricFindValue } from '@grafana/data';
import { Observable, from, map } from 'rxjs';

import { VariableQueryEditor } from './components/VariableQueryEditor';
import type { DataSource } from './datasource';
import { UnifiedLogsVariableQuery } from './variables';

/** Template variables with their own editor: label values, label names, or a backend list. */
export class UnifiedLogsVariableSupport extends CustomVariableSupport<DataSource, UnifiedLogsVariableQuery> {
  editor = VariableQueryEditor;

  constructor(private readonly datasource: DataSource) {
    super();
  }

  query(request: DataQueryRequest<UnifiedLogsVariableQuery>): Observable<{ data: MetricFindValue[] }> {
    const values = this.datasource.metricFindQuery(request.targets[0]!, {
      scopedVars: request.scopedVars,
      range: request.range,
    });
    return from(values).pipe(map((data) => ({ data })));
  }
}

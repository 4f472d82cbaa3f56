import { useEffect, useState } from 'react';
import {
  CoreApp,
  DataFrame,
  DataQueryError,
  DataQueryRequest,
  DataQueryResponse,
  SupplementaryQueryType,
  TimeRange,
  hasSupplementaryQuerySupport,
} from '@grafana/data';
import { Observable, merge } from 'rxjs';

import type { DataSource } from '../../../plugin/datasource/src/datasource';
import type { UnifiedLogsQuery } from '../../../plugin/datasource/src/types';
import { asGrafanaHoldsIt } from '../../../plugin/datasource/src/__tests__/support/instance';

export type ResultsState = 'idle' | 'loading' | 'done';

export interface QueryResults {
  state: ResultsState;
  /** Which run these results belong to, so a reader can tell fresh results from old ones. */
  run: number;
  frames: DataFrame[];
  errors: DataQueryError[];
}

const POINTS = 60;

/** What Explore sends for the lines: the query over the picked range. */
function buildRequest(
  query: UnifiedLogsQuery,
  range: TimeRange,
  run: number,
): DataQueryRequest<UnifiedLogsQuery> {
  const intervalMs = Math.max(1000, Math.round((range.to.valueOf() - range.from.valueOf()) / POINTS));
  return {
    requestId: `harness-${run}`,
    app: CoreApp.Explore,
    interval: `${intervalMs}ms`,
    intervalMs,
    range,
    scopedVars: {},
    targets: [query],
    timezone: 'utc',
    startTime: Date.now(),
  };
}

/**
 * The lines, and the histogram as Explore asks for it: only when Grafana's own guard says
 * the data source supports it, through the request the data source derives.
 */
function explore(
  datasource: DataSource,
  request: DataQueryRequest<UnifiedLogsQuery>,
): Observable<DataQueryResponse> {
  const type = SupplementaryQueryType.LogsVolume;
  const volume = hasSupplementaryQuerySupport(asGrafanaHoldsIt(datasource), type)
    ? datasource.getSupplementaryRequest(type, request)
    : undefined;
  return volume ? merge(datasource.query(request), datasource.query(volume)) : datasource.query(request);
}

/**
 * Runs the data source's `query()` each time `run` goes up, with the query as it is then.
 * A newer run unsubscribes the older one, which aborts its HTTP requests.
 */
export function useQueryResults(
  datasource: DataSource,
  query: UnifiedLogsQuery,
  range: TimeRange,
  run: number,
): QueryResults {
  const [results, setResults] = useState<QueryResults>({ state: 'idle', run: 0, frames: [], errors: [] });

  useEffect(() => {
    if (run === 0) {
      return undefined;
    }
    const frames: DataFrame[] = [];
    const errors: DataQueryError[] = [];
    setResults({ state: 'loading', run, frames, errors });
    const subscription = explore(datasource, buildRequest(query, range, run)).subscribe({
      next: (response) => {
        frames.push(...(response.data as DataFrame[]));
        errors.push(...(response.errors ?? []));
      },
      complete: () => setResults({ state: 'done', run, frames: [...frames], errors: [...errors] }),
      error: (error: unknown) =>
        setResults({ state: 'done', run, frames: [], errors: [{ message: String(error) }] }),
    });
    return () => subscription.unsubscribe();
    // Only a new run starts a query; edits in between wait for the next run, as in Grafana.
  }, [run]);

  return results;
}

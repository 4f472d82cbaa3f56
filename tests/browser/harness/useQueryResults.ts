import { useEffect, useState } from 'react';
import {
  CoreApp,
  DataFrame,
  DataQueryError,
  DataQueryRequest,
  SupplementaryQueryType,
  TimeRange,
} from '@grafana/data';

import type { DataSource } from '../../../plugin/datasource/src/datasource';
import type { UnifiedLogsQuery } from '../../../plugin/datasource/src/types';

export type ResultsState = 'idle' | 'loading' | 'done';

export interface QueryResults {
  state: ResultsState;
  /** Which run these results belong to, so a reader can tell fresh results from old ones. */
  run: number;
  frames: DataFrame[];
  errors: DataQueryError[];
}

const POINTS = 60;

/** What Explore sends: the query, plus its volume histogram when it is a logs query. */
function buildRequest(
  datasource: DataSource,
  query: UnifiedLogsQuery,
  range: TimeRange,
  run: number,
): DataQueryRequest<UnifiedLogsQuery> {
  const volume = datasource.getSupplementaryQuery({ type: SupplementaryQueryType.LogsVolume }, query);
  const intervalMs = Math.max(1000, Math.round((range.to.valueOf() - range.from.valueOf()) / POINTS));
  return {
    requestId: `harness-${run}`,
    app: CoreApp.Explore,
    interval: `${intervalMs}ms`,
    intervalMs,
    range,
    scopedVars: {},
    targets: volume ? [query, volume] : [query],
    timezone: 'utc',
    startTime: Date.now(),
  };
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
    const subscription = datasource.query(buildRequest(datasource, query, range, run)).subscribe({
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

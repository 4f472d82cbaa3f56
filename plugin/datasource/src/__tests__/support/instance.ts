import { DataQueryRequest, DataSourceApi, TimeRange, dateTime } from '@grafana/data';
import { setBackendSrv } from '@grafana/runtime';

import { DataSource } from '../../datasource';
import { UnifiedLogsOptions, UnifiedLogsQuery } from '../../types';
import { createFetchBackendSrv } from './fetchBackendSrv';
import { PROXY_URL, instanceSettings } from './instanceSettings';
import { createTemplateSrv } from './templateSrv';

export { PROXY_URL, instanceSettings } from './instanceSettings';

export interface ConnectOptions {
  token?: string;
  variables?: Record<string, string | string[]>;
  jsonData?: UnifiedLogsOptions;
}

/**
 * A DataSource whose requests go, as through Grafana's proxy route, to `backendUrl` with
 * the token added on the way. Point it at the real backend to run the same tests end to end.
 */
export function connectDataSource(backendUrl: string, options: ConnectOptions = {}): DataSource {
  const headers: Record<string, string> = options.token ? { Authorization: `Bearer ${options.token}` } : {};
  setBackendSrv(createFetchBackendSrv([{ prefix: `${PROXY_URL}/api`, target: backendUrl, headers }]));
  return new DataSource(instanceSettings(options.jsonData), createTemplateSrv(options.variables));
}

export const RANGE_FROM = '2026-11-29T07:00:00.000Z';
export const RANGE_TO = '2026-11-29T07:05:00.000Z';

/** An absolute range, as a dashboard's time picker gives one to `query()`. */
export function timeRange(fromMs: number, toMs: number): TimeRange {
  const from = dateTime(fromMs);
  const to = dateTime(toMs);
  return { from, to, raw: { from, to } };
}

export function queryRequest(
  targets: UnifiedLogsQuery[],
  overrides: Partial<DataQueryRequest<UnifiedLogsQuery>> = {}
): DataQueryRequest<UnifiedLogsQuery> {
  const from = dateTime(RANGE_FROM);
  const to = dateTime(RANGE_TO);
  return {
    requestId: 'Q1',
    interval: '1m',
    intervalMs: 60_000,
    range: { from, to, raw: { from: RANGE_FROM, to: RANGE_TO } },
    scopedVars: {},
    targets,
    timezone: 'UTC',
    app: 'explore',
    startTime: 0,
    ...overrides,
  };
}

/**
 * The instance as Explore and dashboards hold it: a plain `DataSourceApi`, its query type
 * erased. Grafana's type guards (`hasSupplementaryQuerySupport`, …) are called on that.
 */
export const asGrafanaHoldsIt = (datasource: DataSource): DataSourceApi => datasource as unknown as DataSourceApi;

import { DataQueryRequest, DataSourceInstanceSettings, PluginType, TimeRange, dateTime } from '@grafana/data';
import { setBackendSrv } from '@grafana/runtime';

import { DataSource } from '../../datasource';
import { UnifiedLogsOptions, UnifiedLogsQuery } from '../../types';
import { createFetchBackendSrv } from './fetchBackendSrv';
import { createTemplateSrv } from './templateSrv';

/** What Grafana gives the frontend: the proxy URL, never the token. */
export const PROXY_URL = '/api/datasources/proxy/uid/unified-logs';

export function instanceSettings(jsonData: UnifiedLogsOptions = {}): DataSourceInstanceSettings<UnifiedLogsOptions> {
  return {
    // Still required by the type in Grafana 12 although deprecated; the uid is what counts.
    // eslint-disable-next-line @typescript-eslint/no-deprecated
    id: 1,
    uid: 'unified-logs',
    type: 'gptrunner-unifiedlogs-datasource',
    name: 'Unified Logs',
    url: PROXY_URL,
    access: 'proxy',
    readOnly: false,
    jsonData: { backendUrl: 'http://unified-logs:8080', ...jsonData },
    meta: {
      id: 'gptrunner-unifiedlogs-datasource',
      name: 'Unified Logs',
      type: PluginType.datasource,
      module: '',
      baseUrl: '',
      info: {
        author: { name: 'GPT Runner+' },
        description: '',
        links: [],
        logos: { small: '', large: '' },
        screenshots: [],
        updated: '',
        version: '',
      },
    },
  };
}

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

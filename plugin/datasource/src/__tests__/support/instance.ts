import { DataQueryRequest, DataSourceApi, TimeRange, dateTime } from '@grafana/data';
import { setBackendSrv } from '@grafana/runtime';

import { DataSource } from '../../datasource';
import { UnifiedLogsOptions, UnifiedLogsQuery, UnifiedLogsSecureJsonData } from '../../types';
import { Forward, createFetchBackendSrv } from './fetchBackendSrv';
import { OrgRole, pluginRoutes, proxy } from './grafanaProxy';
import { PROXY_URL, instanceSettings } from './instanceSettings';
import { createTemplateSrv } from './templateSrv';

export { PROXY_URL, instanceSettings } from './instanceSettings';

export interface ConnectOptions {
  /** One token for both routes, for tests about something else than roles. */
  token?: string;
  /** The data source's secureJsonData, one token per route (overrides `token`). */
  tokens?: UnifiedLogsSecureJsonData;
  /** The Grafana user's org role (default Editor, who may use every route). */
  role?: OrgRole;
  variables?: Record<string, string | string[]>;
  jsonData?: UnifiedLogsOptions;
}

/** Grafana's answer when a route's `reqRole` is above the user's role. */
export const ROUTE_DENIED = {
  status: 403,
  statusText: 'Forbidden',
  body: { message: 'plugin proxy route access denied' },
};

/**
 * Grafana's data-source proxy for this instance: the plugin.json routes applied to requests
 * under the instance's proxy URL, as `grafanaProxy.ts` describes.
 */
export function grafanaProxy(backendUrl: string, options: ConnectOptions = {}): Forward {
  const routes = pluginRoutes();
  const settings = {
    jsonData: { ...options.jsonData, backendUrl },
    secureJsonData: { viewerToken: options.token, analystToken: options.token, ...options.tokens },
  };
  return (url, method) => {
    if (!url.startsWith(`${PROXY_URL}/`)) {
      return { url, headers: {} };
    }
    const [proxyPath = '', query = ''] = url.slice(PROXY_URL.length + 1).split(/(?=\?)/);
    const decision = proxy(routes, { method, proxyPath, query }, options.role ?? 'Editor', settings);
    switch (decision.kind) {
      case 'route':
        return { url: decision.url, headers: decision.headers };
      case 'denied':
        return ROUTE_DENIED;
      case 'unrouted':
        return {
          status: 502,
          statusText: 'Bad Gateway',
          body: { message: 'no route matched; the data source has no URL' },
        };
    }
  };
}

/**
 * A DataSource whose requests go through Grafana's proxy as this plugin's routes describe, to
 * `backendUrl`, the route's token added on the way. Point it at the real backend to run the
 * same tests end to end.
 */
export function connectDataSource(backendUrl: string, options: ConnectOptions = {}): DataSource {
  setBackendSrv(createFetchBackendSrv(grafanaProxy(backendUrl, options)));
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

import type { DataSourceInstanceSettings, PluginType, ScopedVars, TypedVariableModel } from '@grafana/data';
import type { BackendSrv, BackendSrvRequest, FetchResponse, TemplateSrv } from '@grafana/runtime';
import { Observable, of, throwError } from 'rxjs';

import type { UnifiedLogsOptions } from '../../../plugin/datasource/src/types';

/** What the backend's /meta endpoints would list, so the editors' suggestions have content. */
const META: Record<string, string[]> = {
  buckets: ['gpt-runner-logs'],
  prefixes: ['trades/', 'reflections/', 'strategies/'],
  collections: ['gpt_runner_trades', 'gpt_runner_reflections'],
  namespaces: ['trading', 'monitoring'],
  pods: ['gpt-runner-pod-7c9f', 'gpt-runner-pod-2b1d'],
  containers: ['runner', 'sidecar'],
};

function answer(request: BackendSrvRequest): unknown {
  const path = new URL(request.url, 'http://harness').pathname;
  const field = /\/meta\/(\w+)$/.exec(path)?.[1];
  return field && META[field] ? { values: META[field] } : undefined;
}

/** An in-page BackendSrv: the harness shows editors, it does not need a server. */
export function stubBackendSrv(): BackendSrv {
  const fetch = <T>(request: BackendSrvRequest): Observable<FetchResponse<T>> => {
    const data = answer(request);
    if (data === undefined) {
      return throwError(() => ({
        status: 404,
        data: { title: 'Not Found', detail: request.url },
        config: request,
      }));
    }
    return of({ data: data as T, status: 200, ok: true, config: request } as FetchResponse<T>);
  };
  return { fetch } as unknown as BackendSrv;
}

export function stubTemplateSrv(names: string[]): TemplateSrv {
  return {
    getVariables: () => names.map((name) => ({ name, type: 'custom' }) as unknown as TypedVariableModel),
    replace: (target?: string, _scopedVars?: ScopedVars) => target ?? '',
    containsTemplate: (target?: string) => (target ?? '').includes('$'),
    updateTimeRange: () => {},
  } as TemplateSrv;
}

export function instanceSettings(): DataSourceInstanceSettings<UnifiedLogsOptions> {
  return {
    uid: 'unified-logs',
    type: 'gptrunner-unifiedlogs-datasource',
    name: 'Unified Logs',
    url: '/api/datasources/proxy/uid/unified-logs',
    access: 'proxy',
    readOnly: false,
    jsonData: { backendUrl: 'http://unified-logs:8080' },
    meta: {
      id: 'gptrunner-unifiedlogs-datasource',
      name: 'Unified Logs',
      type: 'datasource' as PluginType,
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
  } as DataSourceInstanceSettings<UnifiedLogsOptions>;
}

import type { DataSourceInstanceSettings, PluginType } from '@grafana/data';

import type { UnifiedLogsOptions } from '../../../plugin/datasource/src/types';

/** Where the page sends the plugin's requests; the dev server proxies `<PROXY_URL>/api/*` to the backend. */
export const PROXY_URL = '/api/datasources/proxy/uid/unified-logs';

/** What Grafana gives the frontend: the proxy URL, never the token (the proxy route adds it). */
export function instanceSettings(): DataSourceInstanceSettings<UnifiedLogsOptions> {
  return {
    uid: 'unified-logs',
    type: 'gptrunner-unifiedlogs-datasource',
    name: 'Unified Logs',
    url: PROXY_URL,
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

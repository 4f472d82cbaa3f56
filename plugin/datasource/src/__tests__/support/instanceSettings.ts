import { DataSourceInstanceSettings, PluginType } from '@grafana/data';

import { UnifiedLogsOptions } from '../../types';

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

import React, { useState } from 'react';
import { createRoot } from 'react-dom/client';
import { DataSourceSettings, createTheme } from '@grafana/data';
import { setBackendSrv } from '@grafana/runtime';
import { GlobalStyles, ThemeContext } from '@grafana/ui';

import { ConfigEditor } from '../../../plugin/datasource/src/components/ConfigEditor';
import { QueryEditor } from '../../../plugin/datasource/src/components/QueryEditor';
import { DataSource } from '../../../plugin/datasource/src/datasource';
import {
  QueryType,
  UnifiedLogsOptions,
  UnifiedLogsQuery,
  UnifiedLogsSecureJsonData,
} from '../../../plugin/datasource/src/types';
import { instanceSettings, stubBackendSrv, stubTemplateSrv } from './stubs';

type Settings = DataSourceSettings<UnifiedLogsOptions, UnifiedLogsSecureJsonData>;

setBackendSrv(stubBackendSrv());
const datasource = new DataSource(instanceSettings(), stubTemplateSrv(['namespace', 'pod', 'severity']));

const initialSettings = {
  uid: 'unified-logs',
  name: 'Unified Logs',
  type: 'gptrunner-unifiedlogs-datasource',
  access: 'proxy',
  jsonData: { backendUrl: 'http://unified-logs:8080', timeout: 30 },
  secureJsonFields: { apiToken: true },
} as unknown as Settings;

const initialQuery: UnifiedLogsQuery = {
  refId: 'A',
  queryType: QueryType.Logs,
  source: 'pods',
  namespace: '$namespace',
  selector: 'app=gpt-runner',
  severities: ['WARNING', 'ERROR'],
  labels: [{ name: 'symbol', op: '=', value: 'BTCUSDT' }],
  limit: 200,
};

/** Shows the editors as Grafana would, plus what they report, for browser tests to read. */
function Harness() {
  const [settings, setSettings] = useState(initialSettings);
  const [query, setQuery] = useState(initialQuery);
  const [runs, setRuns] = useState(0);
  return (
    <div style={{ padding: 16, display: 'flex', flexDirection: 'column', gap: 24, maxWidth: 1100 }}>
      <section aria-label="Config editor">
        <ConfigEditor options={settings} onOptionsChange={setSettings} />
      </section>
      <section aria-label="Query editor">
        <QueryEditor
          datasource={datasource}
          query={query}
          onChange={setQuery}
          onRunQuery={() => setRuns((n) => n + 1)}
        />
      </section>
      <output id="runs">{runs}</output>
      <pre id="query">{JSON.stringify(query)}</pre>
    </div>
  );
}

const mode = new URLSearchParams(window.location.search).get('theme') === 'light' ? 'light' : 'dark';
const theme = createTheme({ colors: { mode } });
document.body.style.background = theme.colors.background.primary;

createRoot(document.getElementById('root')!).render(
  <ThemeContext.Provider value={theme}>
    <GlobalStyles />
    <Harness />
  </ThemeContext.Provider>,
);

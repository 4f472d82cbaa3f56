import React, { useState } from 'react';
import { createRoot } from 'react-dom/client';
import {
  DataSourceSettings,
  Field,
  InterpolateFunction,
  TimeRange,
  createTheme,
  dateTime,
  hasToggleableQueryFiltersSupport,
  mapInternalLinkToExplore,
} from '@grafana/data';
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
import { createFetchBackendSrv } from '../../../plugin/datasource/src/__tests__/support/fetchBackendSrv';
import { createTemplateSrv } from '../../../plugin/datasource/src/__tests__/support/templateSrv';
import { Filters, Results } from './Results';
import { asGrafanaHoldsIt } from '../../../plugin/datasource/src/__tests__/support/instance';
import { instanceSettings } from '../../../plugin/datasource/src/__tests__/support/instanceSettings';
import { useQueryResults } from './useQueryResults';

type Settings = DataSourceSettings<UnifiedLogsOptions, UnifiedLogsSecureJsonData>;

const params = new URLSearchParams(window.location.search);

/**
 * Requests go to the page's own origin under the data source's proxy URL; the dev server
 * applies the plugin.json routes, each adding its token, as Grafana's data-source proxy would.
 */
setBackendSrv(createFetchBackendSrv());

/** Dashboard variables, with values that exist in the demo data. */
const datasource = new DataSource(
  instanceSettings(),
  createTemplateSrv({ namespace: 'gpt-runner', pod: 'trader-7d9f8c6b5-x2kqp', severity: 'ERROR' }),
);

/** The dashboard's time range: `from` and `to` (epoch ms) from the URL, else the last hour. */
function timeRangeFromUrl(): TimeRange {
  const to = Number(params.get('to')) || Date.now();
  const from = Number(params.get('from')) || to - 3_600_000;
  return { from: dateTime(from), to: dateTime(to), raw: { from: dateTime(from), to: dateTime(to) } };
}

const range = timeRangeFromUrl();

const initialSettings = {
  uid: 'unified-logs',
  name: 'Unified Logs',
  type: 'gptrunner-unifiedlogs-datasource',
  access: 'proxy',
  jsonData: { backendUrl: 'http://unified-logs:8080', timeout: 30 },
  secureJsonFields: { viewerToken: true, analystToken: true },
} as unknown as Settings;

const initialQuery: UnifiedLogsQuery = {
  refId: 'A',
  queryType: QueryType.Logs,
  source: 'all',
  severities: [],
  labels: [],
  limit: 40,
};

/** What Grafana's template service does with a data link's `${__value.raw}`. */
const replaceValue: InterpolateFunction = (text, scopedVars) =>
  text.replace(/\$\{__value\.raw\}/g, String(scopedVars?.__value?.value?.raw ?? ''));

/**
 * A data link clicked in log details: Grafana's own `mapInternalLinkToExplore` builds the
 * link, and its click hands the interpolated query to Explore's split-open, here the right pane.
 */
function followLink(field: Field, value: string, splitOpen: (query: UnifiedLogsQuery) => void): void {
  for (const link of field.config.links ?? []) {
    if (!link.internal) continue;
    const model = mapInternalLinkToExplore({
      link,
      internalLink: link.internal,
      scopedVars: { __value: { value: { raw: value }, text: 'Raw value' } },
      range,
      field,
      replaceVariables: replaceValue,
      onClickFn: (options) => options && splitOpen(options.queries[0] as UnifiedLogsQuery),
    });
    model.onClick?.({} as React.MouseEvent);
    return;
  }
}

/** Explore's right pane: the query a link opened, run over the same range. */
function SplitPane({ query, run }: { query: UnifiedLogsQuery; run: number }) {
  const results = useQueryResults(datasource, query, range, run);
  return (
    <section aria-label="Split pane" style={{ flex: 1, minWidth: 0 }}>
      <pre id="split-query" style={{ fontSize: 11 }}>
        {JSON.stringify(query)}
      </pre>
      <Results results={results} label="Split results" />
    </section>
  );
}

/** Shows the editors as Grafana would, what they report, and the results of running the query. */
function Harness() {
  const [settings, setSettings] = useState(initialSettings);
  const [query, setQuery] = useState(initialQuery);
  const [runs, setRuns] = useState(0);
  const [split, setSplit] = useState<{ query: UnifiedLogsQuery; run: number }>();
  const results = useQueryResults(datasource, query, range, runs);
  const onLink = (field: Field, value: string) =>
    followLink(field, value, (opened) => setSplit((old) => ({ query: opened, run: (old?.run ?? 0) + 1 })));
  // Explore offers the log details' filter buttons only when Grafana's own guard passes.
  const grafanaHolds = asGrafanaHoldsIt(datasource);
  const filters: Filters | undefined = hasToggleableQueryFiltersSupport<UnifiedLogsQuery>(grafanaHolds)
    ? {
        toggle: (type, key, value) => {
          setQuery(grafanaHolds.toggleQueryFilter(query, { type, options: { key, value } }));
          setRuns((n) => n + 1);
        },
        has: (type, key, value) => grafanaHolds.queryHasFilter(query, { key, value, type }),
      }
    : undefined;
  return (
    <div
      style={{
        padding: 16,
        display: 'flex',
        flexDirection: 'column',
        gap: 24,
        maxWidth: split ? 2400 : 1100,
      }}
    >
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
      <div style={{ display: 'flex', gap: 16 }}>
        <div style={{ flex: 1, minWidth: 0 }}>
          <Results results={results} onLink={onLink} filters={filters} />
        </div>
        {split && <SplitPane query={split.query} run={split.run} />}
      </div>
    </div>
  );
}

const mode = params.get('theme') === 'light' ? 'light' : 'dark';
const theme = createTheme({ colors: { mode } });
document.body.style.background = theme.colors.background.primary;

createRoot(document.getElementById('root')!).render(
  <ThemeContext.Provider value={theme}>
    <GlobalStyles />
    <Harness />
  </ThemeContext.Provider>,
);

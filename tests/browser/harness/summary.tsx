import React, { useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import {
  CoreApp,
  DataQueryRequest,
  EventBusSrv,
  LoadingState,
  PanelData,
  PanelProps,
  createTheme,
  dateTime,
} from '@grafana/data';
import { setBackendSrv } from '@grafana/runtime';
import { GlobalStyles, ThemeContext } from '@grafana/ui';
import { lastValueFrom } from 'rxjs';

import { DataSource } from '../../../plugin/datasource/src/datasource';
import { QueryType, UnifiedLogsQuery } from '../../../plugin/datasource/src/types';
import { SummaryPanel } from '../../../plugin/summary-panel/src/components/SummaryPanel';
import type { SummaryOptions } from '../../../plugin/summary-panel/src/types';
import { createFetchBackendSrv } from '../../../plugin/datasource/src/__tests__/support/fetchBackendSrv';
import { instanceSettings } from '../../../plugin/datasource/src/__tests__/support/instanceSettings';
import { createTemplateSrv } from '../../../plugin/datasource/src/__tests__/support/templateSrv';

const params = new URLSearchParams(window.location.search);
const to = Number(params.get('to')) || Date.now();
const from = Number(params.get('from')) || to - 3_600_000;
const range = { from: dateTime(from), to: dateTime(to), raw: { from: dateTime(from), to: dateTime(to) } };

/** Requests go to the data source's proxy URL; the dev server applies the plugin.json routes. */
setBackendSrv(createFetchBackendSrv());
const datasource = new DataSource(instanceSettings(), createTemplateSrv());

/** A dashboard's Summary query, run by the data source's own `query()` through its summary route. */
async function runSummary(): Promise<PanelData> {
  const request: DataQueryRequest<UnifiedLogsQuery> = {
    requestId: 'summary-panel',
    app: CoreApp.Dashboard,
    interval: '1m',
    intervalMs: 60_000,
    range,
    scopedVars: {},
    targets: [{ refId: 'A', queryType: QueryType.Summary }],
    timezone: 'utc',
    startTime: Date.now(),
  };
  const response = await lastValueFrom(datasource.query(request));
  return {
    series: response.data,
    errors: response.errors,
    state: LoadingState.Done,
    timeRange: range,
    request,
  };
}

/** The panel as a dashboard shows it: loading first, then the frame. */
function Harness() {
  const [data, setData] = useState<PanelData>({ series: [], state: LoadingState.Loading, timeRange: range });
  useEffect(() => {
    runSummary().then(setData);
  }, []);
  const options: SummaryOptions = { showDigest: params.get('digest') !== 'off', maxHeight: 0 };
  const props = {
    id: 1,
    data,
    timeRange: range,
    timeZone: 'utc',
    options,
    transparent: false,
    width: 900,
    height: 1400,
    fieldConfig: { defaults: {}, overrides: [] },
    renderCounter: 1,
    title: 'Summary',
    replaceVariables: (s: string) => s,
    eventBus: new EventBusSrv(),
  } as unknown as PanelProps<SummaryOptions>;
  return (
    <section aria-label="Summary panel" data-state={data.state} style={{ width: 900, padding: 16 }}>
      <SummaryPanel {...props} />
    </section>
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

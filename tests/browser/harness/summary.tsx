import React, { useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import {
  DataFrame,
  DataQueryError,
  LoadingState,
  PanelData,
  PanelProps,
  createTheme,
  dateTime,
} from '@grafana/data';
import { GlobalStyles, ThemeContext } from '@grafana/ui';

import { summaryFrame } from '../../../plugin/datasource/src/frames/summary';
import type { SummaryResponse } from '@gpt-runner-logs/contract';
import { SummaryPanel } from '../../../plugin/summary-panel/src/components/SummaryPanel';
import type { SummaryOptions } from '../../../plugin/summary-panel/src/types';
import { PROXY_URL } from '../../../plugin/datasource/src/__tests__/support/instanceSettings';

const params = new URLSearchParams(window.location.search);
const to = Number(params.get('to')) || Date.now();
const from = Number(params.get('from')) || to - 3_600_000;
const range = { from: dateTime(from), to: dateTime(to), raw: { from: dateTime(from), to: dateTime(to) } };

/**
 * Asks the real backend for a summary through the dev server's proxy (which adds the token,
 * as Grafana's data-source route does) and turns the answer into the data source's frame.
 */
async function fetchSummary(): Promise<{ series: DataFrame[]; errors?: DataQueryError[] }> {
  const response = await fetch(`${PROXY_URL}/api/logs/summary`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    // As the data source sends it: where this Grafana is, so the checks are Explore links.
    body: JSON.stringify({
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      grafanaUrl: window.location.origin,
      datasourceUid: 'unified-logs',
    }),
  });
  if (!response.ok) {
    return { series: [], errors: [{ message: `${response.status} ${response.statusText}`, refId: 'A' }] };
  }
  return { series: [summaryFrame((await response.json()) as SummaryResponse, 'A')] };
}

/** The panel as a dashboard shows it: loading first, then the frame. */
function Harness() {
  const [data, setData] = useState<PanelData>({ series: [], state: LoadingState.Loading, timeRange: range });
  useEffect(() => {
    fetchSummary().then((result) => setData({ ...result, state: LoadingState.Done, timeRange: range }));
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

import { DataFrame, FieldType, createDataFrame } from '@grafana/data';

import { SUMMARY_PANEL_PLUGIN_ID, SummaryResponse } from '@gpt-runner-logs/contract';

/**
 * One row: the summary panel reads `summary` (markdown) and `digest`. Explore draws it with
 * the summary panel (`preferredVisualisationPluginId`), or as a table where that panel is not
 * installed, which shows what the summary cost.
 */
export function summaryFrame(response: SummaryResponse, refId: string): DataFrame {
  return createDataFrame({
    refId,
    name: 'summary',
    meta: {
      preferredVisualisationType: 'table',
      preferredVisualisationPluginId: SUMMARY_PANEL_PLUGIN_ID,
      custom: { cached: response.cached },
    },
    fields: [
      { name: 'summary', type: FieldType.string, values: [response.summary] },
      { name: 'provider', type: FieldType.string, values: [response.provider] },
      { name: 'model', type: FieldType.string, values: [response.model] },
      { name: 'promptTokens', type: FieldType.number, values: [response.usage?.promptTokens ?? 0] },
      { name: 'completionTokens', type: FieldType.number, values: [response.usage?.completionTokens ?? 0] },
      { name: 'digest', type: FieldType.other, values: [response.digest ?? {}] },
      { name: 'cached', type: FieldType.boolean, values: [Boolean(response.cached)] },
    ],
  });
}
